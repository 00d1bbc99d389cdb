//! What a desktop app does with the rest of the desktop: put an image on the clipboard, show a
//! file in the file manager, send a notification. On Linux this goes through GTK and GIO (already
//! linked by the webview) and the freedesktop D-Bus interfaces; other systems get a clear
//! "not supported" error until they are built and tested there.

use std::path::Path;

use crate::AppError;
use easel_error::ErrorCode;

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};

    use gtk::gio;
    use gtk::gio::prelude::FileExt;
    use gtk::glib::{ToVariant, Variant};

    use crate::AppError;
    use easel_error::ErrorCode;

    const CALL_TIMEOUT_MS: i32 = 3000;

    fn session_bus() -> Result<gio::DBusConnection, AppError> {
        gio::bus_get_sync(gio::BusType::Session, None::<&gio::Cancellable>)
            .map_err(|e| AppError::new(ErrorCode::Desktop, format!("no desktop session bus: {e}")))
    }

    /// `org.freedesktop.FileManager1.ShowItems`, else the folder opened by its default app.
    pub fn reveal(path: &Path) -> Result<(), AppError> {
        let uri = gio::File::for_path(path).uri().to_string();
        let shown = session_bus().and_then(|bus| {
            bus.call_sync(
                Some("org.freedesktop.FileManager1"),
                "/org/freedesktop/FileManager1",
                "org.freedesktop.FileManager1",
                "ShowItems",
                Some(&(vec![uri], "").to_variant()),
                None,
                gio::DBusCallFlags::NONE,
                CALL_TIMEOUT_MS,
                None::<&gio::Cancellable>,
            )
            .map(|_| ())
            .map_err(|e| AppError::new(ErrorCode::Desktop, e.to_string()))
        });
        if shown.is_ok() {
            return shown;
        }
        let folder = path.parent().unwrap_or(path);
        let folder_uri = gio::File::for_path(folder).uri();
        gio::AppInfo::launch_default_for_uri(&folder_uri, None::<&gio::AppLaunchContext>).map_err(|e| {
            AppError::new(ErrorCode::Desktop, format!("no file manager could show {}: {e}", path.display()))
        })
    }

    /// `org.freedesktop.Notifications.Notify`.
    pub fn notify(title: &str, body: &str) -> Result<(), AppError> {
        let hints: HashMap<String, Variant> = HashMap::new();
        let args = ("Easel", 0u32, "easel-app", title, body, Vec::<String>::new(), hints, -1i32).to_variant();
        session_bus()?
            .call_sync(
                Some("org.freedesktop.Notifications"),
                "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications",
                "Notify",
                Some(&args),
                None,
                gio::DBusCallFlags::NONE,
                CALL_TIMEOUT_MS,
                None::<&gio::Cancellable>,
            )
            .map(|_| ())
            .map_err(|e| AppError::new(ErrorCode::Desktop, format!("no notification service answered: {e}")))
    }

    /// Puts the image's pixels on the clipboard. GTK must be used on its main thread.
    pub fn copy_image(app: &tauri::AppHandle, path: PathBuf) -> Result<(), AppError> {
        let (tx, rx) = std::sync::mpsc::channel();
        app.run_on_main_thread(move || {
            let result = gtk::gdk_pixbuf::Pixbuf::from_file(&path)
                .map_err(|e| AppError::new(ErrorCode::Io, format!("{}: {e}", path.display())))
                .map(|pixbuf| {
                    let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
                    clipboard.set_image(&pixbuf);
                    // Hands the pixels to a clipboard manager, when one runs, so they outlive the app.
                    clipboard.store();
                });
            // The receiver waits below; if it gave up, nobody needs the answer.
            let _ = tx.send(result);
        })
        .map_err(|e| AppError::new(ErrorCode::Desktop, e.to_string()))?;
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .map_err(|_| AppError::new(ErrorCode::Desktop, "the clipboard did not answer"))?
    }
}

/// Shows `path` selected in the file manager.
pub async fn reveal(path: &Path) -> Result<(), AppError> {
    #[cfg(target_os = "linux")]
    {
        let path = path.to_path_buf();
        blocking(move || linux::reveal(&path)).await
    }
    #[cfg(not(target_os = "linux"))]
    unsupported(path)
}

/// Sends a desktop notification.
pub async fn notify(title: String, body: String) -> Result<(), AppError> {
    #[cfg(target_os = "linux")]
    {
        blocking(move || linux::notify(&title, &body)).await
    }
    #[cfg(not(target_os = "linux"))]
    unsupported(Path::new(&title))
}

/// Copies the image at `path` to the clipboard.
pub async fn copy_image(app: tauri::AppHandle, path: &Path) -> Result<(), AppError> {
    #[cfg(target_os = "linux")]
    {
        let path = path.to_path_buf();
        blocking(move || linux::copy_image(&app, path)).await
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = app;
        unsupported(path)
    }
}

#[cfg(target_os = "linux")]
async fn blocking(work: impl FnOnce() -> Result<(), AppError> + Send + 'static) -> Result<(), AppError> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| AppError::new(ErrorCode::Desktop, e.to_string()))?
}

#[cfg(not(target_os = "linux"))]
fn unsupported(_: &Path) -> Result<(), AppError> {
    Err(AppError::new(ErrorCode::Unsupported, "this desktop action is only built for Linux so far"))
}

/// A stand-in notification daemon on the real session bus (the test session has none): it
/// owns `org.freedesktop.Notifications` on a private connection, answers `Notify`, and reports
/// what it was sent. Proves the app's call has the signature and arguments the spec requires.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::sync::mpsc;

    use gtk::gio;
    use gtk::glib;
    use gtk::glib::ToVariant;

    const INTERFACE: &str = r#"<node><interface name="org.freedesktop.Notifications">
        <method name="Notify">
          <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
          <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
          <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
        </method></interface></node>"#;

    fn daemon(sent: mpsc::Sender<(String, String, String)>, ready: mpsc::Sender<()>) {
        let context = glib::MainContext::new();
        let guard = context.acquire().expect("own the daemon's main context");
        context
            .with_thread_default(|| {
                let address = std::env::var("DBUS_SESSION_BUS_ADDRESS")
                    .expect("a session bus (run the tests through make test / e2e/desktop-session.sh)");
                let flags =
                    gio::DBusConnectionFlags::AUTHENTICATION_CLIENT | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION;
                let bus = gio::DBusConnection::for_address_sync(&address, flags, None, None::<&gio::Cancellable>)
                    .expect("private bus connection");
                let info = gio::DBusNodeInfo::for_xml(INTERFACE).expect("interface xml");
                let interface = info.lookup_interface("org.freedesktop.Notifications").expect("interface");
                bus.register_object(
                    "/org/freedesktop/Notifications",
                    &interface,
                    move |_, _, _, _, method, params, invocation| {
                        if method == "Notify" {
                            let app = params.child_value(0).str().unwrap_or_default().to_string();
                            let summary = params.child_value(3).str().unwrap_or_default().to_string();
                            let body = params.child_value(4).str().unwrap_or_default().to_string();
                            // The test may have stopped listening; the reply still goes out.
                            let _ = sent.send((app, summary, body));
                            invocation.return_value(Some(&(7u32,).to_variant()));
                        }
                    },
                    |_, _, _, _, _| ().to_variant(),
                    |_, _, _, _, _, _| false,
                )
                .expect("register the daemon object");
                bus.call_sync(
                    Some("org.freedesktop.DBus"),
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus",
                    "RequestName",
                    Some(&("org.freedesktop.Notifications", 4u32).to_variant()),
                    None,
                    gio::DBusCallFlags::NONE,
                    3000,
                    None::<&gio::Cancellable>,
                )
                .expect("own org.freedesktop.Notifications");
                // The receiver waits for this before calling.
                let _ = ready.send(());
                let main = glib::MainLoop::new(Some(&context), false);
                let quit = main.clone();
                context.spawn_local(async move {
                    glib::timeout_future(std::time::Duration::from_secs(10)).await;
                    quit.quit();
                });
                main.run();
            })
            .expect("thread-default context");
        drop(guard);
    }

    #[test]
    fn notifications_reach_the_desktop_notification_service() {
        let (sent_tx, sent) = mpsc::channel();
        let (ready_tx, ready) = mpsc::channel();
        std::thread::spawn(move || daemon(sent_tx, ready_tx));
        ready.recv_timeout(std::time::Duration::from_secs(10)).expect("the stand-in daemon started");
        super::linux::notify("Easel: runs finished", "1 run(s) done, 1 image(s) saved.").expect("notify");
        let (app, summary, body) = sent.recv_timeout(std::time::Duration::from_secs(10)).expect("a Notify call");
        assert_eq!(app, "Easel");
        assert_eq!(summary, "Easel: runs finished");
        assert_eq!(body, "1 run(s) done, 1 image(s) saved.");
    }
}

// Zoom and pan of the viewer's image: a scale and the image's top-left corner in the stage, and
// the moves that change them (fit, 100 %, zoom about a point, drag). Pure. Leaves out rotation
// and keeping the image inside the stage: a person may pan it anywhere, 0 brings it back.

export type View = {
  scale: number;
  /** Top-left corner of the image in stage pixels. */
  x: number;
  y: number;
};

export type Size = { width: number; height: number };

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 16;
/** One step of +/- or of a wheel notch. */
export const STEP = 1.25;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** The image at `scale`, centred in the stage. */
export function centred(stage: Size, image: Size, scale: number): View {
  return {
    scale,
    x: (stage.width - image.width * scale) / 2,
    y: (stage.height - image.height * scale) / 2,
  };
}

/** The whole image in the stage, never enlarged beyond its own pixels. */
export function fit(stage: Size, image: Size): View {
  if (image.width <= 0 || image.height <= 0) return { scale: 1, x: 0, y: 0 };
  const scale = Math.min(1, stage.width / image.width, stage.height / image.height);
  return centred(stage, image, clampScale(scale > 0 ? scale : 1));
}

/** One image pixel per screen pixel, keeping the stage's centre still. */
export function actualSize(view: View, stage: Size): View {
  return zoomAt(view, 1 / view.scale, stage.width / 2, stage.height / 2);
}

/** Scales by `factor` keeping the image point under (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const scale = clampScale(view.scale * factor);
  const ratio = scale / view.scale;
  return { scale, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

/** Moves the image by a drag of (dx, dy). */
export function pan(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The zoom factor of a wheel event: one step per notch, finer for touchpads (pixel deltas). */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const notches = deltaMode === 0 ? deltaY / 100 : deltaMode === 1 ? deltaY / 3 : deltaY;
  return Math.pow(STEP, -Math.max(-4, Math.min(4, notches)));
}

// Every backend command the window may call: its name (as the Rust side declares it in
// src-tauri/src/commands/list.rs), its named arguments and its result, with the generated
// bindings' types. `call` is typed by this map, so a misspelt command or a wrong argument is a
// compile error; a Rust test (src-tauri/src/command_list.rs) fails when the names here and in the
// Rust list differ. Argument and result types are written by hand against ts-rs bindings. The
// commands that start runs take `events`, the channel every event of those runs arrives on.

import type { Channel } from "@tauri-apps/api/core";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { EmptiedTrash } from "../bindings/EmptiedTrash";
import type { Favourite } from "../bindings/Favourite";
import type { FavouriteDraft } from "../bindings/FavouriteDraft";
import type { HistoryCursor } from "../bindings/HistoryCursor";
import type { HistoryFilter } from "../bindings/HistoryFilter";
import type { HistoryPage } from "../bindings/HistoryPage";
import type { ImageDetail } from "../bindings/ImageDetail";
import type { ImageFilter } from "../bindings/ImageFilter";
import type { ImageId } from "../bindings/ImageId";
import type { ImageQuery } from "../bindings/ImageQuery";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { Inspection } from "../bindings/Inspection";
import type { InputPicture } from "../bindings/InputPicture";
import type { JobEvent } from "../bindings/JobEvent";
import type { KeyStatus } from "../bindings/KeyStatus";
import type { LibraryCounts } from "../bindings/LibraryCounts";
import type { LibraryFacets } from "../bindings/LibraryFacets";
import type { ModelInfo } from "../bindings/ModelInfo";
import type { ModelMapping } from "../bindings/ModelMapping";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { Page } from "../bindings/Page";
import type { ParamDiff } from "../bindings/ParamDiff";
import type { QueueState } from "../bindings/QueueState";
import type { Readiness } from "../bindings/Readiness";
import type { RecordedRun } from "../bindings/RecordedRun";
import type { RunOptions } from "../bindings/RunOptions";
import type { Settings } from "../bindings/Settings";
import type { SpendBy } from "../bindings/SpendBy";
import type { SpendCaps } from "../bindings/SpendCaps";
import type { SpendReport } from "../bindings/SpendReport";
import type { RenderingChoice } from "../bindings/RenderingChoice";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import type { Axis } from "../bindings/Axis";
import type { Estimate } from "../bindings/Estimate";
import type { SeedControl } from "../bindings/SeedControl";
import type { Sweep } from "../bindings/Sweep";
import type { SweepGridInfo } from "../bindings/SweepGridInfo";
import type { WildcardMode } from "../bindings/WildcardMode";

/** Command name → named arguments (`undefined`: none; `Uint8Array`: a raw body) and result. */
export type Commands = {
  open_default_workflow: { args: undefined; result: OpenedWorkflow };
  open_workflow_file: { args: { path: string }; result: OpenedWorkflow };
  import_workflow_text: { args: { name: string; text: string }; result: OpenedWorkflow };
  inspect_workflow: { args: { doc: WorkflowDoc }; result: Inspection };
  run_workflow: {
    args: { doc: WorkflowDoc; options: RunOptions; events: Channel<JobEvent[]> };
    result: string[];
  };
  cancel_run: { args: { runId: string }; result: boolean };
  retry_run: {
    args: {
      runId: string;
      approvedCredits: number | null;
      approvedOverCap: number | null;
      events: Channel<JobEvent[]>;
    };
    result: string;
  };
  reorder_runs: { args: { first: string[] }; result: void };
  backend_info: { args: undefined; result: BackendInfo };
  pick_workflow_file: { args: undefined; result: string | null };
  recent_files: { args: undefined; result: string[] };
  notify: { args: { title: string; body: string }; result: void };
  model_info: { args: { id: string }; result: ModelInfo };
  model_mappings: { args: undefined; result: ModelMapping[] };
  model_map: {
    args: { file: string; reference: string; kind: string | null };
    result: ModelMapping;
  };
  model_unmap: { args: { file: string }; result: boolean };
  workflow_readiness: { args: { docs: WorkflowDoc[] }; result: Readiness[] };
  pick_input_image: { args: undefined; result: InputPicture | null };
  use_input_image: { args: { path: string }; result: InputPicture };
  paste_input_image: { args: Uint8Array; result: InputPicture };
  library_query: { args: { query: ImageQuery }; result: Page };
  library_count: { args: { filter: ImageFilter }; result: number };
  library_counts: { args: undefined; result: LibraryCounts };
  library_facets: { args: undefined; result: LibraryFacets };
  library_image: { args: { id: ImageId }; result: ImageDetail };
  library_set_favourite: { args: { ids: ImageId[]; favourite: boolean }; result: void };
  library_add_tag: { args: { ids: ImageId[]; tag: string }; result: void };
  library_remove_tag: { args: { ids: ImageId[]; tag: string }; result: void };
  library_trash: { args: { ids: ImageId[] }; result: ImageId[] };
  library_restore: { args: { ids: ImageId[] }; result: void };
  library_empty_trash: { args: undefined; result: EmptiedTrash };
  library_reveal: { args: { id: ImageId }; result: void };
  library_copy: { args: { id: ImageId }; result: void };
  library_export: { args: { ids: ImageId[]; keepMetadata: boolean }; result: string[] | null };
  library_workflow: { args: { id: ImageId }; result: OpenedWorkflow };
  library_compare: { args: { left: ImageId; right: ImageId }; result: ParamDiff };
  library_run_again: {
    args: {
      id: ImageId;
      approvedCredits: number | null;
      approvedOverCap: number | null;
      events: Channel<JobEvent[]>;
    };
    result: string[];
  };
  library_import: { args: undefined; result: ImportProgress | null };
  settings_get: { args: undefined; result: Settings };
  settings_save: { args: { settings: Settings }; result: BackendInfo };
  rendering_info: { args: undefined; result: RenderingChoice };
  key_status: { args: { settings: Settings }; result: KeyStatus };
  key_set: { args: { settings: Settings; key: string }; result: KeyStatus };
  key_remove: { args: { settings: Settings }; result: KeyStatus };
  pick_private_key: { args: undefined; result: string | null };
  pick_library_folder: { args: undefined; result: string | null };
  favourites_list: { args: undefined; result: Favourite[] };
  favourite_save: { args: { draft: FavouriteDraft }; result: Favourite };
  favourite_rename: { args: { id: string; name: string }; result: Favourite };
  favourite_duplicate: { args: { id: string; copySuffix: string }; result: Favourite };
  favourite_delete: { args: { id: string }; result: Favourite };
  favourite_restore: { args: { favourite: Favourite }; result: Favourite };
  favourites_export: { args: { ids: string[] }; result: string | null };
  favourites_import: { args: undefined; result: Favourite[] | null };
  favourite_run: {
    args: {
      id: string;
      count: number;
      approvedCredits: number | null;
      approvedOverCap: number | null;
      events: Channel<JobEvent[]>;
    };
    result: string[];
  };
  history_page: {
    args: { filter: HistoryFilter; after: HistoryCursor | null; limit: number };
    result: HistoryPage;
  };
  history_count: { args: { filter: HistoryFilter }; result: number };
  history_run: { args: { runId: string }; result: RecordedRun };
  history_forget: { args: { runId: string }; result: boolean };
  history_recall: { args: { runId: string }; result: OpenedWorkflow };
  spend_report: { args: { by: SpendBy; since: number | null }; result: SpendReport };
  spend_caps_save: { args: { caps: SpendCaps }; result: SpendCaps };
  queue_pause: { args: { paused: boolean }; result: boolean };
  queue_send_back: { args: { last: string[] }; result: void };
  queue_cancel: { args: { running: boolean }; result: string[] };
  queue_state: { args: undefined; result: QueueState };
  sweep_axis: { args: { doc: WorkflowDoc; target: string; values: string }; result: Axis };
  sweep_quote: {
    args: {
      doc: WorkflowDoc;
      sweep: Sweep;
      count: number;
      seeds: SeedControl[];
      wildcards: WildcardMode | null;
    };
    result: Estimate;
  };
  sweep_grid: { args: { sweepId: string }; result: SweepGridInfo };
};

/** A command's name. */
export type Command = keyof Commands;

/** The arguments `call` takes after the name: none, or the command's. */
export type ArgsOf<K extends Command> = Commands[K]["args"] extends undefined
  ? []
  : [Commands[K]["args"]];

/** What the command resolves with. */
export type ResultOf<K extends Command> = Commands[K]["result"];

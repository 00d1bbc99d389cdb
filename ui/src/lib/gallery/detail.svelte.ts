// What the metadata panel shows for one image: its detail from the index and the workflow it
// carries, loaded together when the viewer moves to it, then whether that workflow runs as it
// stands (for "Run again"). Answers for an image the viewer has already left are dropped. Leaves
// out caching: moving back asks again (the index is local).

import type { AppError } from "../bindings/AppError";
import type { ImageDetail } from "../bindings/ImageDetail";
import type { ImageId } from "../bindings/ImageId";
import type { Readiness } from "../bindings/Readiness";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { toAppError } from "../errors";
import { imageDetail, imageWorkflow, workflowReadiness } from "../host/library";

export class ImageInfo {
  detail: ImageDetail | null = $state.raw(null);
  workflow: WorkflowDoc | null = $state.raw(null);
  /** Why there is no workflow (many images carry none: it is said in the panel, not as an
   * error). */
  noWorkflow: AppError | null = $state.raw(null);
  /** Whether the workflow runs as it stands; null while unknown (or when it could not be told). */
  readiness: Readiness | null = $state.raw(null);
  loading = $state(false);
  private id: ImageId | null = null;
  private token = 0;

  constructor(private readonly onerror: (error: unknown) => void) {}

  /** Loads everything about image `id`. */
  async load(id: ImageId): Promise<void> {
    this.id = id;
    const token = ++this.token;
    this.detail = null;
    this.workflow = null;
    this.noWorkflow = null;
    this.readiness = null;
    this.loading = true;
    const [detail, workflow] = await Promise.allSettled([imageDetail(id), imageWorkflow(id)]);
    if (token !== this.token) return;
    this.loading = false;
    if (detail.status === "fulfilled") this.detail = detail.value;
    else this.onerror(detail.reason);
    if (workflow.status === "fulfilled") {
      this.workflow = workflow.value.doc;
      await this.#checkReadiness(workflow.value.doc, token);
    } else this.noWorkflow = toAppError(workflow.reason);
  }

  // Unanswered, the status stays away and Run again is not held back (the run checks again).
  async #checkReadiness(doc: WorkflowDoc, token: number): Promise<void> {
    try {
      const [answer] = await workflowReadiness([doc]);
      if (token === this.token) this.readiness = answer ?? null;
    } catch {
      // Nothing to show: the backend decides when the run is sent.
    }
  }

  /** Reads the detail again (after its tags changed). */
  async reloadDetail(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    const token = this.token;
    try {
      const detail = await imageDetail(id);
      if (token === this.token) this.detail = detail;
    } catch (error) {
      this.onerror(error);
    }
  }
}

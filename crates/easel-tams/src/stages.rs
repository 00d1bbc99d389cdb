//! Classic "stages" (A1111-style) jobs: create (`POST /v1/jobs`) and estimate
//! (`POST /v1/jobs/credits`). The stages list is passed through as JSON: Easel runs workflows,
//! and this path is kept for completeness, so no typed stage model is built here.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::workflow::JobEnvelope;
use crate::{number, Client, Job, TamsError};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateStagesJob<'a> {
    request_id: &'a str,
    stages: &'a Value,
}

#[derive(Serialize)]
struct StagesCredits<'a> {
    stages: &'a Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreditsReply {
    #[serde(deserialize_with = "number::float")]
    credits: Option<f64>,
}

impl Client {
    /// `POST /v1/jobs`: creates a stages job; `stages` is the JSON list of stages. Retries send
    /// the same `request_id`.
    pub async fn create_stages_job(&self, request_id: &str, stages: &Value) -> Result<Job, TamsError> {
        let envelope: JobEnvelope =
            self.post(self.endpoint(&["v1", "jobs"]), &CreateStagesJob { request_id, stages }).await?;
        Ok(envelope.into_job(self))
    }

    /// `POST /v1/jobs/credits`: the estimated credits of a stages job (0 when the service omits it).
    pub async fn stages_credits(&self, stages: &Value) -> Result<f64, TamsError> {
        let reply: CreditsReply =
            self.post(self.endpoint(&["v1", "jobs", "credits"]), &StagesCredits { stages }).await?;
        Ok(reply.credits.unwrap_or(0.0))
    }
}

//! Raw-graph workflow jobs and the job endpoints every kind of job shares: create
//! (`POST /v1/jobs/workflow`), estimate (`POST /v1/jobs/workflow/params/check`), poll
//! (`GET /v1/jobs/{id}`) and cancel (`DELETE /v1/jobs/{id}`). The graph itself (`params`) is
//! passed through as JSON: building and validating it belongs to easel-workflow.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{number, Client, Job, TamsError};

/// `{job}`: the answer of every create and of a poll.
#[derive(Deserialize)]
pub(crate) struct JobEnvelope {
    #[serde(default)]
    job: Job,
}

impl JobEnvelope {
    /// The job, its failure reason (server text that is shown, printed and stored in the
    /// journal) cleaned by `client` with its key redacted. Every job a caller gets goes here.
    pub(crate) fn into_job(self, client: &Client) -> Job {
        let mut job = self.job;
        if let Some(info) = job.failed_info.as_mut() {
            info.reason = info.reason.as_deref().map(|reason| client.server_text(reason));
        }
        job
    }
}

/// What a check or estimate says a request would cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreditCheck {
    /// Whether the request passed validation. Invalid requests usually come back as an
    /// `InvalidWorkflow` error instead; absent means the service did not say.
    pub valid: Option<bool>,
    /// Estimated credits (absent when the service reports none, which protojson does for 0).
    #[serde(deserialize_with = "number::float")]
    pub credits: Option<f64>,
}

/// `DELETE /v1/jobs/{id}` answers `{jobId}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct CancelReply {
    #[serde(deserialize_with = "number::id")]
    #[allow(dead_code)] // Read to accept the documented shape; the caller already knows the id.
    job_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateWorkflowJob<'a> {
    request_id: &'a str,
    params: &'a Value,
}

#[derive(Serialize)]
struct CheckParams<'a> {
    params: &'a Value,
}

impl Client {
    /// `POST /v1/jobs/workflow`: creates a job from a raw graph (TAMS `params` map). Retries send
    /// the same `request_id`, so the service never makes a second job for one call.
    pub async fn create_workflow_job(&self, request_id: &str, params: &Value) -> Result<Job, TamsError> {
        let body = CreateWorkflowJob { request_id, params };
        let envelope: JobEnvelope = self.post(self.endpoint(&["v1", "jobs", "workflow"]), &body).await?;
        Ok(envelope.into_job(self))
    }

    /// `POST /v1/jobs/workflow/params/check`: validates a raw graph and estimates its credits.
    pub async fn check_workflow(&self, params: &Value) -> Result<CreditCheck, TamsError> {
        let url = self.endpoint(&["v1", "jobs", "workflow", "params", "check"]);
        self.post(url, &CheckParams { params }).await
    }

    /// `GET /v1/jobs/{id}`.
    pub async fn get_job(&self, job_id: &str) -> Result<Job, TamsError> {
        let envelope: JobEnvelope = self.call_empty(Method::GET, self.endpoint(&["v1", "jobs", job_id])).await?;
        Ok(envelope.into_job(self))
    }

    /// `DELETE /v1/jobs/{id}`: asks the service to cancel.
    pub async fn cancel_job(&self, job_id: &str) -> Result<(), TamsError> {
        let _: CancelReply = self.call_empty(Method::DELETE, self.endpoint(&["v1", "jobs", job_id])).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_camel_case_and_checks_read_tolerantly() {
        let params = serde_json::json!({"3": {"classType": "KSampler", "inputs": {"seed": 1}}});
        let body = serde_json::to_value(CreateWorkflowJob { request_id: "r", params: &params }).unwrap();
        assert_eq!(body, serde_json::json!({"requestId": "r", "params": params}));
        let check: CreditCheck = serde_json::from_str(r#"{"valid":true,"credits":"2.4","extra":1}"#).unwrap();
        assert_eq!(check, CreditCheck { valid: Some(true), credits: Some(2.4) });
        assert_eq!(serde_json::from_str::<CreditCheck>("{}").unwrap(), CreditCheck::default());
    }
}

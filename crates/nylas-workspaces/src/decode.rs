//! Turning successful replies into model values, one function per response shape.
//!
//! Kept apart from the client so the property tests can feed arbitrary bytes through exactly
//! the code the client runs (see [`decode_for_tests`]).

use nylas_workspaces_api::types;

use crate::error::{Error, Result};
use crate::model::{AutoGroupJob, Workspace};
use crate::transport::Reply;

/// One page of the list: its workspaces and the cursor of the next page, if any.
pub(crate) fn workspace_page(reply: &Reply) -> Result<(Vec<Workspace>, Option<String>)> {
    let page: types::WorkspaceListResponse = reply.decode()?;
    let workspaces = page
        .data
        .into_iter()
        .map(|wire| workspace_from_wire(reply, wire))
        .collect::<Result<Vec<_>>>()?;
    Ok((workspaces, page.next_cursor.filter(|c| !c.is_empty())))
}

/// The workspace in a `{request_id, data}` answer.
pub(crate) fn single_workspace(reply: &Reply) -> Result<Workspace> {
    let response: types::WorkspaceResponse = reply.decode()?;
    let Some(wire) = response.data else {
        return Err(reply.undecodable("the answer has no `data`".into(), None));
    };
    workspace_from_wire(reply, wire)
}

fn workspace_from_wire(reply: &Reply, wire: types::Workspace) -> Result<Workspace> {
    Workspace::from_wire(wire)
        .ok_or_else(|| reply.undecodable("a workspace has no `workspace_id`".into(), None))
}

/// The request id of a delete. An empty body is accepted (the id then comes from the
/// `x-request-id` header, or is empty).
pub(crate) fn deleted(reply: &Reply) -> Result<String> {
    let body: types::DeleteWorkspaceResponse = if reply.body.iter().all(u8::is_ascii_whitespace) {
        types::DeleteWorkspaceResponse::default()
    } else {
        reply.decode()?
    };
    Ok(body
        .request_id
        .filter(|id| !id.is_empty())
        .or_else(|| reply.header_request_id.clone())
        .unwrap_or_default())
}

/// The started job of an auto-group call.
pub(crate) fn auto_group_job(reply: &Reply) -> Result<AutoGroupJob> {
    let response: types::AutoGroupResponse = reply.decode()?;
    let Some(job) = response.data else {
        return Err(reply.undecodable("the answer has no `data`".into(), None));
    };
    Ok(AutoGroupJob {
        job_id: job.job_id.unwrap_or_default(),
        message: job.message.unwrap_or_default(),
        request_id: response
            .request_id
            .filter(|id| !id.is_empty())
            .or_else(|| reply.header_request_id.clone()),
    })
}

/// One manual-assign answer, with the header request id filled in when the body has none.
pub(crate) fn manual_assign(reply: &Reply) -> Result<types::ManualAssignResponse> {
    let mut response: types::ManualAssignResponse = reply.decode()?;
    if response.request_id.as_deref().is_none_or(str::is_empty) {
        response.request_id = reply.header_request_id.clone();
    }
    Ok(response)
}

/// Runs every decoder on `body` as if it had arrived with `status`: a non-2xx status goes
/// through the error decoder, a 2xx through each operation's decoder. Returns the errors
/// produced (successes are dropped). For property tests: must never panic.
#[doc(hidden)]
pub fn decode_for_tests(status: u16, body: &[u8]) -> Vec<Error> {
    if !(200..300).contains(&status) {
        return vec![crate::transport::decode_error_body_for_tests(status, body)];
    }
    let reply = Reply {
        operation: "decode_for_tests",
        status,
        header_request_id: None,
        body: body.to_vec(),
        redactor: crate::secret::Redactor::none(),
    };
    let mut errors = Vec::new();
    errors.extend(workspace_page(&reply).err());
    errors.extend(single_workspace(&reply).err());
    errors.extend(deleted(&reply).err());
    errors.extend(auto_group_job(&reply).err());
    errors.extend(manual_assign(&reply).err());
    errors
}

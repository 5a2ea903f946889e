//! Hooks for the criterion micro-benchmarks in `benches/`, compiled only with the unstable
//! `test-util` feature and hidden from the docs.
//!
//! The work an operation does around the network (checking and encoding the request, decoding
//! and converting the answer) is private; these functions run exactly that code, without any
//! I/O, so `cargo bench -p nylas-workspaces` measures the client's own CPU cost per call (the
//! crate's dev-dependency on itself turns the feature on for its benches). Not part of the
//! public API: they may change or disappear with any release, and builds without
//! `test-util` (every user's) do not contain them.

use nylas_workspaces_api::routes;

use crate::bulk::ManualAssign;
use crate::decode::{self, Reply};
use crate::error::{Error, Result};
use crate::model::Workspace;
use crate::path::workspace_segment;
use crate::requests::CreateWorkspace;
use crate::transport::route_path;

/// The path `get_workspace(id)` requests, after checking and percent-encoding the id, filled
/// into the generated route table's template as the client does.
pub fn get_path(workspace_id: &str) -> Result<String> {
    let segment = workspace_segment(workspace_id)?;
    route_path("get_workspace", &routes::GET_WORKSPACE, &[&segment])
}

/// The body `create_workspace(request)` sends, after checking the documented rules.
pub fn create_body(request: &CreateWorkspace) -> Result<Vec<u8>> {
    let wire = request.to_wire()?;
    serde_json::to_vec(&wire).map_err(|e| Error::config(format!("cannot encode: {e}")))
}

/// The ids `manual_assign(request)` would send, checked and deduplicated: `(assign, remove)`.
pub fn manual_assign_ids(request: &ManualAssign) -> Result<(Vec<String>, Vec<String>)> {
    request.clone().normalized()
}

/// Decodes a `get_workspace` answer body as the client does.
pub fn decode_workspace(body: &[u8]) -> Result<Workspace> {
    decode::single_workspace(&reply(body))
}

/// Decodes one page of a `list_workspaces` answer as the client does.
pub fn decode_workspace_page(body: &[u8]) -> Result<(Vec<Workspace>, Option<String>)> {
    decode::workspace_page(&reply(body))
}

fn reply(body: &[u8]) -> Reply {
    Reply {
        operation: "bench",
        status: 200,
        header_request_id: None,
        body: body.to_vec(),
        redactor: crate::secret::Redactor::none(),
    }
}

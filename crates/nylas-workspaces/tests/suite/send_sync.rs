//! The client is shareable across threads and every operation's future can be spawned on a
//! multi-threaded runtime (the Python binding and the CLI rely on both).

use nylas_workspaces::{
    AutoGroup, Client, CreateWorkspace, DefaultWorkspaceUpdate, Error, ManualAssign,
    ManualAssignOptions, ManualAssignOutcome, UpdateWorkspace, Workspace,
};

fn shareable<T: Send + Sync + Clone + 'static>() {}
fn spawnable<F: std::future::Future + Send>(future: F) -> F {
    future
}

#[test]
fn types_are_send_and_sync() {
    shareable::<Client>();
    shareable::<Workspace>();
    shareable::<ManualAssignOutcome>();
    shareable::<ManualAssignOptions>();
    fn error_is_thread_safe<T: Send + Sync + std::error::Error + 'static>() {}
    error_is_thread_safe::<Error>();
}

#[test]
fn operation_futures_are_send() {
    let client = Client::builder().api_key("k").build().unwrap();
    // Built but never polled: this only has to compile.
    drop(spawnable(client.list_workspaces()));
    drop(spawnable(client.get_workspace("w")));
    drop(spawnable(client.default_workspace()));
    drop(spawnable(
        client.create_workspace(CreateWorkspace::new("n")),
    ));
    drop(spawnable(
        client.update_workspace("w", UpdateWorkspace::new().name("n")),
    ));
    drop(spawnable(client.update_default_workspace(
        DefaultWorkspaceUpdate::new().clear_rules(),
    )));
    drop(spawnable(client.delete_workspace("w")));
    drop(spawnable(client.auto_group(AutoGroup::new())));
    drop(spawnable(
        client.manual_assign("w", ManualAssign::new().assign(["g"])),
    ));
    drop(spawnable(client.manual_assign_with(
        "w",
        ManualAssign::new().assign(["g"]),
        ManualAssignOptions::new().on_progress(|_| {}),
    )));
}

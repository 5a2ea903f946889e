//! The `nylas-workspaces` binary; everything lives in the library so the tour and the tests
//! share it.

fn main() -> std::process::ExitCode {
    nylas_workspaces_cli::run(std::env::args_os())
}

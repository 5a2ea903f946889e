//! What every API command needs: the client, the output format, and how to show progress.
//! The tour builds one pointed at its embedded emulator and runs the very same commands.

use nylas_workspaces::Client;

use crate::progress::ProgressMode;
use crate::render;

/// A configured client and output preferences.
pub struct Session {
    /// The client every request goes through.
    pub client: Client,
    /// Print JSON documents instead of tables and sentences.
    pub json: bool,
    /// How bulk progress is shown.
    pub progress: ProgressMode,
}

impl Session {
    /// Prints `value` as JSON, or the human text `text` builds.
    pub fn print(&self, value: &impl serde::Serialize, text: impl FnOnce() -> String) {
        if self.json {
            print!("{}", render::json_text(value));
        } else {
            print!("{}", text());
        }
    }
}

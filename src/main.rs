//! `opwallet`: the operator wallet CLI. Thin: arguments in, core calls, output out (stdout = result only).

// Doc comments here are clap's `--help` text, written for a terminal: `<mount>/<path>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod cmd;
mod opts;

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = cmd::Cli::parse();
    if let Err(e) = cli.run().await {
        // Errors quote files, chain answers and library messages: escaped so nothing in them can drive the
        // terminal, and with credentials in URLs taken out.
        eprintln!("error: {}", opwallet_core::text::escape_lines(&opts::redact(&format!("{e:#}"))));
        std::process::exit(1);
    }
}

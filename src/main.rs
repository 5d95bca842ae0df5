//! `opwallet`: the operator wallet CLI. Thin: arguments in, core calls, output out (stdout = result only).

mod cmd;
mod opts;

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = cmd::Cli::parse();
    if let Err(e) = cli.run().await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

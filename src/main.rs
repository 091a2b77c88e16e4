//! sqlwarden binary: parse the command line, set up logging (stderr only: stdout is the stdio
//! protocol), run the subcommand, map errors to exit codes.

mod cli;

use clap::Parser;

/// Worker stacks well above tokio's 2 MiB default: governance walks SQL syntax trees
/// recursively, and their depth is capped with this margin in mind.
const THREAD_STACK: usize = 8 << 20;

/// The runtime's worker threads as tokio counts them by default: `TOKIO_WORKER_THREADS` when set
/// to a positive number, else the CPUs this process may use. Set explicitly because the audit
/// writer's idle hook must know how many workers there are.
fn worker_threads() -> usize {
    std::env::var("TOKIO_WORKER_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let telemetry = sqlwarden::telemetry::init(cli.log_format);
    // The audit writer commits what was queued when a worker runs out of work (see
    // `sqlwarden::audit::runtime_idle`), not at every record.
    let workers = worker_threads();
    sqlwarden::audit::commit_when_idle(workers);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .thread_stack_size(THREAD_STACK)
        .on_thread_park(sqlwarden::audit::runtime_idle)
        .on_thread_unpark(sqlwarden::audit::runtime_busy)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(cli::run(cli));
    // A stdio server stopped by a signal still has a blocking read on stdin; a plain drop of
    // the runtime would wait for it forever.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    drop(telemetry);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

use clap::Parser;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = undersigned::cli::Cli::parse();
    match undersigned::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! Shell completions and the man page, generated from the clap definitions so they never
//! drift from the real flags.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::args::Cli;

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "extapps", out);
}

pub fn man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}

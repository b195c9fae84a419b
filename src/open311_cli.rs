//! `dieuhanh open311`: API keys for Open311 integrators. A key is shown once, when it is
//! made; only its hash is stored.

use clap::Subcommand;
use dieuhanh_store::{Store, citizen, units};

#[derive(Subcommand)]
pub enum Open311Command {
    /// API keys for integrators.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Issue a key for an integrator and print it (it is not shown again).
    Add {
        /// Who the key is for, e.g. "Ứng dụng Công dân số".
        #[arg(long)]
        label: String,
    },
    /// List the keys (labels and state, never the keys).
    List,
    /// Revoke a key by its number from `key list`.
    Revoke { id: i64 },
}

pub async fn run(store: &Store, cmd: Open311Command) -> anyhow::Result<()> {
    let root = units::root(store).await?;
    match cmd {
        Open311Command::Key(KeyCommand::Add { label }) => {
            let label = label.trim();
            anyhow::ensure!(
                !label.is_empty() && label.chars().count() <= 200,
                "--label must be 1 to 200 characters"
            );
            let key = hex::encode(rand::random::<[u8; 24]>());
            let mut tx = store.begin().await?;
            let id = citizen::add_key(&mut tx, label, &key, None, root.id).await?;
            tx.commit().await?;
            println!("key {id} for {label}:\n{key}");
        }
        Open311Command::Key(KeyCommand::List) => {
            for k in citizen::keys(store).await? {
                println!(
                    "{:>4}  {:<8} {}  {}",
                    k.id,
                    if k.revoked { "revoked" } else { "active" },
                    dieuhanh_core::time::format_datetime(k.created_at_us),
                    k.label
                );
            }
        }
        Open311Command::Key(KeyCommand::Revoke { id }) => {
            let mut tx = store.begin().await?;
            citizen::revoke_key(&mut tx, id, None, root.id)
                .await
                .map_err(|_| anyhow::anyhow!("no active key {id}"))?;
            tx.commit().await?;
            println!("key {id} revoked");
        }
    }
    Ok(())
}

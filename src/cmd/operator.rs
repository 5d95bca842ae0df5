//! `opwallet operator`: the operator's dashboard (`opwallet_core::operator`).

use clap::Args;
use eyre::{Result, eyre};
use opwallet_core::{decode::Decoder, operator::OperatorStatus, tokens::decimal};

use super::emit;
use crate::opts::Global;

#[derive(Debug, Args)]
pub(crate) struct OperatorArgs {
    /// How many recent blocks to scan for appointees and slashes.
    #[arg(long, default_value_t = 50_000)]
    blocks: u64,
}

impl OperatorArgs {
    pub(crate) async fn run(self, g: &Global) -> Result<()> {
        let provider = g.provider().await?;
        let wallet = g.wallet()?;
        // A book named on the command line needs no question to the node.
        let book = match g.named_book()? {
            Some(book) => book,
            None => {
                let chain_id = alloy::providers::Provider::get_chain_id(&provider).await?;
                g.book_for(chain_id)?.ok_or_else(|| {
                    eyre!("no EigenLayer addresses for chain {chain_id}: pass --addresses or --network")
                })?
            }
        };
        let status = OperatorStatus::read(&provider, &book, wallet, self.blocks).await?;
        let d = Decoder::new(wallet, Some(&book));
        emit(g.json, serde_json::to_value(&status)?, || render(&status, &d))
    }
}

/// The dashboard as text: one section per topic, every address named where the address book knows it.
fn render(s: &OperatorStatus, d: &Decoder) -> String {
    let a = |x| d.address(x);
    let mut out = format!(
        "operator            {}\nrelease             EigenLayer {}\nregistered          {}\ndelegation approver {}\nallocation delay    {}\n",
        a(s.wallet),
        s.release,
        s.is_operator,
        if s.delegation_approver.is_zero() {
            "none (any staker may delegate)".to_string()
        } else {
            a(s.delegation_approver)
        },
        {
            let now = s.allocation_delay.map(|d| format!("{d} blocks")).unwrap_or_else(|| "not set".into());
            match s.pending_allocation_delay {
                Some((delay, block)) => format!("{now}; {delay} blocks from block {block}"),
                None => now,
            }
        }
    );
    out.push_str(&sets_section(s, d));
    out.push_str("strategies\n");
    if s.strategies.is_empty() {
        out.push_str("  none allocated\n");
    }
    for st in &s.strategies {
        out.push_str(&format!(
            "  {}: delegated {} shares; {} of its magnitude {} encumbered\n",
            a(st.strategy),
            decimal(st.delegated_shares, 18),
            magnitude(st.encumbered_magnitude, Some(st.max_magnitude)),
            st.max_magnitude
        ));
    }
    for avs in &s.avs_splits {
        out.push_str(&format!("AVS split           {} for {}\n", split_text(avs.split), a(avs.avs)));
    }
    out.push_str(&format!(
        "rewards claimer     {}\nPI split            {}\n",
        s.claimer
            .map(|c| if c.is_zero() { "none (the wallet claims)".into() } else { a(c) })
            .unwrap_or_else(|| "—".into()),
        s.pi_split.map(split_text).unwrap_or_else(|| "—".into())
    ));
    let list = |v: &[alloy::primitives::Address]| {
        if v.is_empty() { "none".into() } else { v.iter().map(|x| a(*x)).collect::<Vec<_>>().join(", ") }
    };
    out.push_str(&format!(
        "admins              {}\npending admins      {}\nappointees\n",
        list(&s.admins),
        list(&s.pending_admins)
    ));
    out.push_str(&appointees_and_slashes(s, d));
    out.trim_end().to_owned()
}

/// The dashboard's operator sets: each set with its redistribution, allocations, key and split.
fn sets_section(s: &OperatorStatus, d: &Decoder) -> String {
    let a = |x| d.address(x);
    let mut out = String::new();
    out.push_str("operator sets\n");
    if s.sets.is_empty() {
        out.push_str("  none\n");
    }
    for set in &s.sets {
        out.push_str(&format!(
            "  {}:{}{}\n",
            a(set.avs),
            set.id,
            match (set.registered, set.allocated) {
                (true, _) => "",
                (false, true) => " (allocated, not registered)",
                (false, false) => " (a key only: not registered, nothing allocated)",
            }
        ));
        if let Some(r) = set.redistribution_recipient {
            out.push_str(&format!(
                "    REDISTRIBUTES slashed stake to {}; slasher {}\n",
                a(r),
                set.slasher.map(a).unwrap_or_else(|| "?".into())
            ));
        }
        for al in &set.allocations {
            let pending = if al.pending_diff == 0 {
                String::new()
            } else {
                format!(", pending {:+} at block {}", al.pending_diff, al.effect_block)
            };
            let max = s.strategies.iter().find(|st| st.strategy == al.strategy).map(|st| st.max_magnitude);
            out.push_str(&format!(
                "    strategy {}: magnitude {}{pending}; slashable stake {} shares\n",
                a(al.strategy),
                magnitude(al.magnitude, max),
                decimal(al.slashable_stake, 18)
            ));
        }
        if let Some(k) = &set.key {
            out.push_str(&format!("    key {k}\n"));
        }
        if let Some(split) = set.split {
            out.push_str(&format!("    operator-set split {}\n", split_text(split)));
        }
    }
    out
}

/// The dashboard's appointees (under the heading the admins line ends with) and slashes.
fn appointees_and_slashes(s: &OperatorStatus, d: &Decoder) -> String {
    let a = |x| d.address(x);
    let mut out = String::new();
    if s.appointees.is_empty() {
        out.push_str("  none\n");
    }
    for ap in &s.appointees {
        let perms: Vec<String> =
            ap.permissions.iter().map(|(t, sel)| d.function_name(*t, *sel) + " on " + &a(*t)).collect();
        out.push_str(&format!("  {}: {}\n", a(ap.appointee), perms.join(", ")));
    }
    out.push_str(&format!("slashes (blocks {}–{})\n", s.from_block, s.to_block));
    if s.slashes.is_empty() {
        out.push_str("  none\n");
    }
    for sl in &s.slashes {
        let wads: Vec<String> = sl.wad_slashed.iter().map(|w| format!("{} %", decimal(*w, 16))).collect();
        out.push_str(&format!(
            "  block {}: {}:{} slashed {} of {:?}: \"{}\"\n",
            sl.block.unwrap_or_default(),
            a(sl.avs),
            sl.id,
            wads.join(", "),
            sl.strategies,
            sl.description
        ));
    }
    out
}

/// `1000 bips (10 %)`, and whether a change is waiting to activate.
fn split_text(split: opwallet_core::actions::set_split::Split) -> String {
    let pending = if split.change_pending { "; a change to it is waiting to activate" } else { "" };
    format!("{} bips ({} %){pending}", split.bips, f64::from(split.bips) / 100.0)
}

/// A magnitude with its share of the strategy's maximum: `400000000000000000 (40 %)`.
fn magnitude(m: u64, max: Option<u64>) -> String {
    match max {
        Some(max) if max > 0 => format!("{m} ({} %)", ((m as f64) / (max as f64) * 10_000.0).round() / 100.0),
        _ => m.to_string(),
    }
}

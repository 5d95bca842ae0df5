//! The signing screen: what a signer reads before a key signs, and what `execute` shows before it sends. Every
//! line comes from the proposal's hashed content (calls decoded from calldata, a message's preimage), from the chain,
//! or from opwallet's own computation; the proposer's note is the one exception and is labelled as such.
//! docs/security.md lists each line and its source.

use std::io::IsTerminal;

use opwallet_core::{
    decode::{Action, CallView, Decoder, Target, ether, quote},
    guard::Redistribution,
    proposal::{Body, Preimage, Proposal, Verdict},
    simulate::Simulation,
    text::escape,
};

/// Red, when stderr is a terminal that takes colour.
fn red(s: &str) -> String {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\u{1b}[1;31m{s}\u{1b}[0m")
    } else {
        s.to_owned()
    }
}

const RULE: &str = "─────────────────────────────────────────────────────";

/// What the screen is built from.
pub(crate) struct Screen<'a> {
    pub(crate) heading: &'a str,
    pub(crate) proposal: &'a Proposal,
    pub(crate) decoder: &'a Decoder,
    pub(crate) calls: &'a [CallView],
    pub(crate) title: &'a str,
    /// The guard's finding, when it ran.
    pub(crate) redistribution: Option<&'a Redistribution>,
    pub(crate) verdicts: &'a [(alloy::primitives::Address, Verdict)],
    pub(crate) warnings: &'a [String],
    /// The wallet's state, when the chain was read (offline: `None`).
    pub(crate) state: Option<&'a opwallet_core::wallet::WalletState>,
    /// The node's simulation of the batch, when it ran.
    pub(crate) simulation: Option<&'a Result<Simulation, String>>,
}

/// The simulation for `--json`: the simulation itself, or `{"error": why}`.
pub(crate) fn simulation_json(sim: Option<&Result<Simulation, String>>) -> serde_json::Value {
    match sim {
        Some(Ok(s)) => serde_json::to_value(s).unwrap_or_default(),
        Some(Err(e)) => serde_json::json!({ "error": escape(e) }),
        None => serde_json::Value::Null,
    }
}

/// The simulation's lines: the verdict, then (when it succeeds) the events and balance changes the node reports.
pub(crate) fn simulation_lines(sim: &Result<Simulation, String>) -> String {
    let sim = match sim {
        Ok(sim) => sim,
        Err(why) => return red(&format!("simulation   unavailable: {}\n", escape(why))),
    };
    let verdict = format!("simulation   {} (the node's account)\n", sim.verdict());
    let mut s = if sim.success { verdict } else { red(&verdict) };
    if let Some(changes) = &sim.balance_changes {
        if changes.is_empty() {
            s.push_str("  balances   no ETH or ERC-20 balance changes\n");
        }
        for c in changes {
            s.push_str(&format!("  balance    {}\n", c.text));
        }
    }
    if let Some(events) = &sim.events {
        for e in events {
            let args: Vec<String> = e.args.iter().map(|(n, v)| format!("{n}: {v}")).collect();
            s.push_str(&format!("  event      {}.{}({})\n", e.emitter_text, e.name, args.join(", ")));
        }
    }
    s
}

impl Screen<'_> {
    // Long: the signing screen top to bottom, as a signer reads it; in one place so nothing shown can be left out.
    pub(crate) fn render(&self) -> String {
        let p = self.proposal;
        // The heading line is as wide as the closing rule.
        let rest: String = RULE.chars().skip(self.heading.chars().count() + 4).collect();
        let mut s = format!("── {} {rest}\n", self.heading);
        s.push_str(&format!("proposal   {}\n", self.title));
        if let Some(note) = &p.note {
            s.push_str(&format!("note       {} (the proposer's words; not checked against the calls)\n", quote(note)));
        }
        s.push_str(&format!(
            "chain      {}\nwallet     {}\nepoch      {}\n",
            p.chain_id,
            self.decoder.address(p.wallet),
            p.epoch
        ));
        match &p.body {
            Body::Execute { nonce, deadline, min_gas, calls } => {
                s.push_str(&format!(
                    "nonce      {nonce}\ndeadline   {deadline} ({})\nmin gas    {min_gas} (the calls must be offered at \
                     least this)\ncalls      {}\n",
                    utc(*deadline),
                    calls.len()
                ));
                for (i, c) in self.calls.iter().enumerate() {
                    s.push_str(&self.call(i, c));
                }
            }
            Body::Message { hash, preimage } => s.push_str(&self.message(*hash, preimage)),
        }
        match self.redistribution {
            Some(Redistribution::Redistributing(sets)) => {
                for set in sets {
                    s.push_str(&red(&format!("REDISTRIBUTES  operator set {set}\n")));
                }
            }
            Some(Redistribution::UnsupportedRelease(r)) => {
                s.push_str(&format!("redistribution: EigenLayer {r} has no redistributable operator sets\n"))
            }
            Some(Redistribution::None) => {
                s.push_str("redistribution: none of the operator sets touched redistributes slashed stake\n")
            }
            Some(Redistribution::NotApplicable) | None => {}
        }
        if let Some(sim) = self.simulation {
            s.push_str(&simulation_lines(sim));
        }
        s.push_str(&format!(
            "domain hash  {}\nmessage hash {}\ndigest       {}\n",
            p.hashes.domain_hash, p.hashes.struct_hash, p.hashes.digest
        ));
        for (signer, verdict) in self.verdicts {
            let line = match verdict {
                Verdict::Valid => format!("signed       {signer}\n"),
                Verdict::Unchecked => format!("signed?      {signer} (not checked offline)\n"),
                Verdict::Invalid(why) => format!("INVALID      {signer}: {} (does not count)\n", escape(why)),
            };
            s.push_str(&line);
        }
        if let Some(state) = self.state {
            let valid = self.verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).count();
            s.push_str(&format!("valid        {valid} of {} required signatures so far\n", state.threshold));
        }
        for w in self.warnings {
            s.push_str(&red(&format!("WARNING      {}\n", escape(w))));
        }
        s.push_str(RULE);
        s
    }

    /// The last lines before the prompt: what is being signed, in one glance, so nothing above (however long) can
    /// hide it.
    pub(crate) fn recap(&self) -> String {
        let p = self.proposal;
        let what = match &p.body {
            Body::Execute { calls, .. } => {
                let sent: alloy::primitives::U256 = calls.iter().map(|c| c.value).sum();
                let mut targets: Vec<String> = Vec::new();
                for c in calls {
                    let t = self.decoder.address(c.target);
                    if !targets.contains(&t) {
                        targets.push(t);
                    }
                }
                format!(
                    "{} call(s) to {}; {} ETH leaves the wallet",
                    calls.len(),
                    if targets.is_empty() { "nobody".into() } else { targets.join(", ") },
                    ether(sent)
                )
            }
            Body::Message { .. } => "an ERC-1271 signature (nothing is sent)".to_owned(),
        };
        let simulated = match self.simulation {
            Some(Ok(sim)) => format!("\n             simulation: {}", sim.verdict()),
            Some(Err(_)) => "\n             simulation: unavailable".to_owned(),
            None => String::new(),
        };
        format!("SIGNING      {}\n             {what}{simulated}\n             digest {}", self.title, p.hashes.digest)
    }

    fn call(&self, i: usize, c: &CallView) -> String {
        let target = self.decoder.address(c.target);
        let value = if c.value.is_zero() { String::new() } else { format!(" sending {} ETH", ether(c.value)) };
        let unknown = if c.target_is == Target::Unknown {
            " (not a contract opwallet knows: its identity is not verified)"
        } else {
            ""
        };
        let mut s = match &c.action {
            Action::Function { abi, name, args } => {
                let mut s = if abi == opwallet_core::decode::PROPOSER_SIGNATURE {
                    format!(
                        "  [{i}] {name} on {target}{unknown}{value}\n        (decoded with the function signature in the \
                         file: its selector and encoding match the calldata; the names are the proposer's)\n"
                    )
                } else {
                    format!("  [{i}] {abi}.{name} on {target}{unknown}{value}\n")
                };
                if let Some(summary) = &c.summary {
                    s.push_str(&format!("        → {summary}\n"));
                }
                for (k, v) in args {
                    s.push_str(&format!("        {k} = {v}\n"));
                }
                s
            }
            Action::Transfer => format!("  [{i}] plain transfer to {target}{unknown}{value}\n"),
            Action::Raw { why } => {
                let mut s = red(&format!("  [{i}] UNDECODED call to {target}{value}: {}\n", escape(why)));
                let data = if self.decoder.full { c.data.to_string() } else { opwallet_core::decode::bytes(&c.data) };
                s.push_str(&format!("        data = {data}\n"));
                s
            }
        };
        if !c.value.is_zero() && !matches!(c.action, Action::Transfer) {
            s.push_str(&format!("        (this call also sends {} ETH from the wallet)\n", ether(c.value)));
        }
        s
    }

    fn message(&self, hash: alloy::primitives::B256, preimage: &Preimage) -> String {
        let a = |x| self.decoder.address(x);
        let mut s = String::new();
        match preimage {
            Preimage::AvsRegistration { domain, operator, avs, salt, expiry } => {
                s.push_str("message    AVSDirectory operator registration (EIP-712 OperatorAVSRegistration)\n");
                s.push_str(&format!("  operator = {}\n  avs      = {}\n  salt     = {salt}\n", a(*operator), a(*avs)));
                s.push_str(&format!("  expiry   = {expiry} ({})\n", utc(expiry.saturating_to())));
                s.push_str(&self.eigen_domain(domain));
            }
            Preimage::DelegationApproval { domain, staker, operator, approver, salt, expiry } => {
                s.push_str("message    delegation approval (EIP-712 DelegationApproval)\n");
                s.push_str(&format!(
                    "  staker   = {}\n  operator = {}\n  approver = {}\n  salt     = {salt}\n  expiry   = {expiry} ({})\n",
                    a(*staker),
                    a(*operator),
                    a(*approver),
                    utc(expiry.saturating_to())
                ));
                s.push_str(&self.eigen_domain(domain));
            }
            Preimage::Unverified => {
                s.push_str(&red(
                    "message    A RAW HASH: opwallet cannot tell what it means. Whoever holds the signature can use \
                     this wallet's approval for whatever the hash encodes.\n",
                ));
            }
        }
        s.push_str(&format!("  EigenLayer digest = {hash}\n  signed as OperatorWalletMessage(hash = {hash})\n"));
        s
    }

    fn eigen_domain(&self, d: &opwallet_core::proposal::EigenDomain) -> String {
        format!(
            "  domain   = {} version {} chain {} contract {}\n",
            quote(&d.name),
            quote(&d.version),
            d.chain_id,
            self.decoder.address(d.verifying_contract)
        )
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC` (civil-from-days, Howard Hinnant's algorithm).
pub(crate) fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    #[test]
    fn unix_times_read_as_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_764_662_400), "2025-12-02 08:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
    }
}

//! The signing screen: what a signer reads before a key signs, and what `execute` shows before it sends. Every
//! line comes from the proposal's hashed content (calls decoded from calldata, a message's preimage), from the chain,
//! or from opwallet's own computation; the proposer's note is the one exception and is labelled as such.
//! docs/security.md lists each line and its source.

use std::io::IsTerminal;

use alloy::primitives::utils::format_ether;
use opwallet_core::{
    decode::{Action, CallView, Decoder, Target, quote},
    guard::Redistribution,
    proposal::{Body, Preimage, Proposal, Verdict},
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
}

impl Screen<'_> {
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
            Body::Execute { nonce, deadline, calls } => {
                s.push_str(&format!(
                    "nonce      {nonce}\ndeadline   {deadline} (unix time)\ncalls      {}\n",
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
        s.push_str(&format!(
            "domain hash  {}\nmessage hash {}\ndigest       {}\n",
            p.hashes.domain_hash, p.hashes.struct_hash, p.hashes.digest
        ));
        for (signer, verdict) in self.verdicts {
            let line = match verdict {
                Verdict::Valid => format!("signed       {signer}\n"),
                Verdict::Unchecked => format!("signed       {signer} (not checked offline)\n"),
                Verdict::Invalid(why) => format!("INVALID      {signer}: {} (does not count)\n", escape(why)),
            };
            s.push_str(&line);
        }
        for w in self.warnings {
            s.push_str(&red(&format!("WARNING      {}\n", escape(w))));
        }
        s.push_str(RULE);
        s
    }

    fn call(&self, i: usize, c: &CallView) -> String {
        let target = self.decoder.address(c.target);
        let value = if c.value.is_zero() { String::new() } else { format!(" sending {} ETH", format_ether(c.value)) };
        let unknown = if c.target_is == Target::Unknown {
            " (not a contract opwallet knows: its identity is not verified)"
        } else {
            ""
        };
        let mut s = match &c.action {
            Action::Function { abi, name, args } => {
                let mut s = format!("  [{i}] {abi}.{name} on {target}{unknown}{value}\n");
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
                s.push_str(&format!("        data = {}\n", c.data));
                s
            }
        };
        if !c.value.is_zero() && !matches!(c.action, Action::Transfer) {
            s.push_str(&format!("        (this call also sends {} ETH from the wallet)\n", format_ether(c.value)));
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
                s.push_str(&format!("  expiry   = {expiry} (unix time)\n"));
                s.push_str(&self.eigen_domain(domain));
            }
            Preimage::DelegationApproval { domain, staker, operator, approver, salt, expiry } => {
                s.push_str("message    delegation approval (EIP-712 DelegationApproval)\n");
                s.push_str(&format!(
                    "  staker   = {}\n  operator = {}\n  approver = {}\n  salt     = {salt}\n  expiry   = {expiry} (unix time)\n",
                    a(*staker),
                    a(*operator),
                    a(*approver)
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

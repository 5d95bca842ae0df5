//! `RewardsCoordinator.processClaims(claims, recipient)`: the wallet (the earner) claims its rewards to a recipient.
//! Every claim is checked before a file is written: the proof against its root (locally and with EigenLayer's own
//! `checkClaim`), the root active, the earner this wallet, the wallet allowed to claim, and something left to claim
//! per token (claims are cumulative: only the amount above what was already claimed is paid).

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IEigenLayerErrors::*, IRewardsCoordinator as RC, RewardsMerkleClaim};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, decode::Decoder, proposal::ProposedCall, rewards, tokens::Token};

type Call = RC::processClaimsCall;

/// Claims `claims` (one per root) to `recipient`, only the tokens in `tokens` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRewards {
    /// The rewards proofs, one per distribution root (from proof files or the rewards sidecar).
    pub claims: Vec<RewardsMerkleClaim>,
    /// Where every claimed amount is paid.
    pub recipient: Address,
    /// The tokens to claim (`--token`); `None`: every token in the proofs.
    pub tokens: Option<Vec<Address>>,
    /// The current unix time, for the roots' activation.
    pub now: u64,
}

/// The rewards coordinator of the address book, which release ≥ 1.0 networks have.
pub(crate) fn coordinator<P>(ctx: &Ctx<'_, P>) -> Result<Address, Error> {
    ctx.book()?
        .rewards_coordinator
        .ok_or_else(|| Error::Refused("the address book has no RewardsCoordinator: pass a book that names it".into()))
}

impl Action for ClaimRewards {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let rc = RC::new(coordinator(ctx)?, ctx.provider);
        if self.claims.is_empty() {
            return Err(Error::Refused("no claim to make: give a proof".into()));
        }
        let claimer = rc.claimerFor(ctx.wallet()).call().await.map_err(Error::rpc)?;
        if !claimer.is_zero() && claimer != ctx.wallet() {
            return Err(Error::Refused(format!(
                "{claimer} is the wallet's rewards claimer, so only it may claim (propose set-claimer to change that)"
            )));
        }
        // The chain's clock decides: a devnet or a fork may run ahead of this machine's.
        let head = ctx.provider.get_block_number().await.map_err(Error::rpc)?;
        let chain_now = match ctx.provider.get_block_by_number(head.into()).await.map_err(Error::rpc)? {
            Some(block) => block.header.timestamp,
            None => 0,
        };
        let now = self.now.max(chain_now);
        let mut notices = Vec::new();
        let mut claims = Vec::new();
        for claim in self.claims {
            let claim = keep_tokens(claim, self.tokens.as_deref())?;
            let (claim, lines) = check_claim(ctx, &rc, claim, now).await?;
            notices.extend(lines);
            claims.push(claim);
        }
        notices.push(format!("every amount goes to the recipient {}", self.recipient));
        let call = Call { claims, recipient: self.recipient };
        let mut planned = Planned::call(ProposedCall::new(*rc.address(), call.abi_encode()));
        planned.notices = notices;
        Ok(planned)
    }
}

/// `claim` with only the token leaves of `tokens` (all if `None`); a token asked for but absent is refused.
fn keep_tokens(claim: RewardsMerkleClaim, tokens: Option<&[Address]>) -> Result<RewardsMerkleClaim, Error> {
    let Some(tokens) = tokens else { return Ok(claim) };
    if let Some(missing) = tokens.iter().find(|t| !claim.tokenLeaves.iter().any(|l| l.token == **t)) {
        return Err(Error::Refused(format!("the proof has no earnings in token {missing}")));
    }
    let keep: Vec<usize> =
        (0..claim.tokenLeaves.len()).filter(|i| tokens.contains(&claim.tokenLeaves[*i].token)).collect();
    Ok(RewardsMerkleClaim {
        tokenIndices: keep.iter().filter_map(|i| claim.tokenIndices.get(*i).copied()).collect(),
        tokenTreeProofs: keep.iter().filter_map(|i| claim.tokenTreeProofs.get(*i).cloned()).collect(),
        tokenLeaves: keep.iter().filter_map(|i| claim.tokenLeaves.get(*i).cloned()).collect(),
        ..claim
    })
}

/// Checks one claim and drops its tokens with nothing new to claim (they would make the whole claim revert).
// Long: earner, root, activation and each token's amount checked in turn, then EigenLayer's own checkClaim.
async fn check_claim<P: Provider>(
    ctx: &Ctx<'_, P>,
    rc: &RC::IRewardsCoordinatorInstance<&P>,
    mut claim: RewardsMerkleClaim,
    now: u64,
) -> Result<(RewardsMerkleClaim, Vec<String>), Error> {
    let earner = claim.earnerLeaf.earner;
    if earner != ctx.wallet() {
        return Err(Error::Refused(format!("the proof is for earner {earner}, not for this wallet {}", ctx.wallet())));
    }
    let roots = rc.getDistributionRootsLength().call().await.map_err(Error::rpc)?;
    if U256::from(claim.rootIndex) >= roots {
        return Err(Error::Refused(format!("root index {} does not exist (there are {roots} roots)", claim.rootIndex)));
    }
    let root = rc.getDistributionRootAtIndex(U256::from(claim.rootIndex)).call().await.map_err(Error::rpc)?;
    if root.disabled {
        return Err(Error::Refused(format!("root {} ({}) was disabled", claim.rootIndex, root.root)));
    }
    if u64::from(root.activatedAt) > now {
        return Err(Error::Refused(format!(
            "root {} is claimable only from unix time {} ({} s from now)",
            claim.rootIndex,
            root.activatedAt,
            u64::from(root.activatedAt) - now
        )));
    }
    rewards::check_proofs(&claim, root.root)?;
    let mut lines = Vec::new();
    let mut keep = Vec::new();
    for (i, leaf) in claim.tokenLeaves.iter().enumerate() {
        let claimed = rc.cumulativeClaimed(earner, leaf.token).call().await.map_err(Error::rpc)?;
        let token = Token::read(ctx.provider, leaf.token).await;
        let show =
            |v: U256| token.as_ref().map(|t| t.amount(v)).unwrap_or_else(|| format!("{v} units of {}", leaf.token));
        if leaf.cumulativeEarnings <= claimed {
            lines.push(format!(
                "note: nothing new in {}: earned {} in all, {} already claimed",
                leaf.token,
                show(leaf.cumulativeEarnings),
                show(claimed)
            ));
        } else {
            lines.push(format!(
                "claims {} (earned {} in all, {} claimed before)",
                show(leaf.cumulativeEarnings - claimed),
                show(leaf.cumulativeEarnings),
                show(claimed)
            ));
            keep.push(i);
        }
    }
    if keep.is_empty() {
        return Err(Error::Refused(format!(
            "everything in this proof was already claimed: {}",
            lines.iter().map(|l| l.trim_start_matches("note: ")).collect::<Vec<_>>().join("; ")
        )));
    }
    claim.tokenIndices = keep.iter().map(|i| claim.tokenIndices[*i]).collect();
    claim.tokenTreeProofs = keep.iter().map(|i| claim.tokenTreeProofs[*i].clone()).collect();
    claim.tokenLeaves = keep.iter().map(|i| claim.tokenLeaves[*i].clone()).collect();
    rc.checkClaim(claim.clone()).call().await.map_err(|e| {
        Error::Refused(format!("EigenLayer's checkClaim refuses the proof: {}", crate::submit::explain(&e)))
    })?;
    Ok((claim, lines))
}

/// The registry entry for `RewardsCoordinator.processClaims`.
pub const SPEC: Spec = Spec {
    abi: "RewardsCoordinator",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        let tokens: Vec<String> = c
            .claims
            .iter()
            .flat_map(|claim| {
                claim
                    .tokenLeaves
                    .iter()
                    .map(|l| format!("up to {} cumulative", d.amount(l.token, l.cumulativeEarnings)))
            })
            .collect();
        Some(format!("claim rewards ({}) and send them to {}", tokens.join(", "), d.address(c.recipient)))
    },
    touches: no_sets,
};

/// The RewardsCoordinator's errors for a claim it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: EarningsNotGreaterThanClaimed::SELECTOR,
        name: "EarningsNotGreaterThanClaimed",
        words: "a token in the claim has nothing left to claim (its cumulative earnings were already claimed)",
    },
    ErrorText {
        selector: UnauthorizedCaller::SELECTOR,
        name: "UnauthorizedCaller",
        words: "only the earner's claimer (or the earner, when none is set) may claim",
    },
    ErrorText {
        selector: InvalidClaimProof::SELECTOR,
        name: "InvalidClaimProof",
        words: "the rewards proof does not match the distribution root",
    },
    ErrorText {
        selector: RootNotActivated::SELECTOR,
        name: "RootNotActivated",
        words: "the distribution root is not claimable yet (its activation delay has not passed)",
    },
];

//! Everything a signer, a status check or an executor needs to know about a proposal, read from the chain in one
//! go: the wallet's state, whether its code and digest view are the ones opwallet knows, what each call does
//! (decoded from calldata), whether a message's preimage still hashes to its hash on chain, the redistribution
//! guard, and whether each collected signature counts. The CLI only renders a [`Review`] and decides.

use alloy::{
    primitives::{Address, B256, Bytes},
    providers::Provider,
};
use opwallet_bindings::{ERC1271_MAGIC, IERC1271, OperatorWallet};

use crate::{
    AddressBook, Error,
    decode::{CallView, Decoder},
    guard::{self, Redistribution},
    packing::{SignatureKind, SignerSignature},
    proposal::{Body, Preimage, Proposal, Verdict},
    simulate::Simulation,
    submit,
    wallet::{self, CodeCheck, WalletState},
};

/// A proposal checked against the chain.
#[derive(Debug, Clone)]
pub struct Review {
    /// The wallet's state now: signers, threshold, nonce, epoch, chain id.
    pub state: WalletState,
    /// The code check; `Err` holds why the wallet is not a clone opwallet knows.
    pub code: Result<CodeCheck, String>,
    /// What the wallet's own digest view returns for the proposal.
    pub wallet_digest: B256,
    /// Each call, decoded from its calldata (execute proposals).
    pub calls: Vec<CallView>,
    /// The title, derived from the calls or the message's kind.
    pub title: String,
    /// What the redistribution guard found about the operator sets the batch registers for or allocates to.
    pub redistribution: Redistribution,
    /// Each collected signature and whether it counts.
    pub verdicts: Vec<(Address, Verdict)>,
    /// Why it cannot be executed (or its ERC-1271 signature assembled) now; empty when it can.
    pub problems: Vec<String>,
    /// What a signer should know but that does not stop signing (a nonce already used, a deadline passed).
    pub warnings: Vec<String>,
    /// The batch run through the wallet's `execute` now (execute proposals for the current epoch and a nonce not
    /// yet used); `Err` says why the node could not simulate it.
    pub simulation: Option<Result<Simulation, String>>,
    /// For a proposal whose nonce is used: the `Executed` event of that nonce (this proposal, or another).
    pub executed: Option<submit::Execution>,
    /// For a message with a threshold of valid signatures: the assembled ERC-1271 signature (wallet-message mode)
    /// and whether the wallet's `isValidSignature` accepts it.
    pub assembled: Option<(Bytes, bool)>,
    /// For an executor (`execute`) and a proposal ready to run: the transaction estimated with the real signatures,
    /// the node's fees and the sender's nonce, asked in the same round trip as the simulation.
    pub prepared: Option<Result<submit::Prepared, String>>,
    /// The AllocationManager and PermissionController of the address book, for the delegation warnings.
    book_addresses: Option<(Address, Address)>,
}

/// ` in transaction 0x… (block N)`, as far as the event says.
pub fn where_executed(e: &submit::Execution) -> String {
    match (e.transaction, e.block) {
        (Some(t), Some(b)) => format!(" in transaction {t} (block {b})"),
        (Some(t), None) => format!(" in transaction {t}"),
        _ => String::new(),
    }
}

/// A deadline further away than this (30 days) is worth a warning: a signature stays valid that long.
const FAR_DEADLINE: u64 = 30 * 86_400;

/// A warning for a call that hands EigenLayer powers to someone outside the multisig: an appointee allowed to
/// register for operator sets or change allocations (which the redistribution guard then never sees), or a new
/// PermissionController admin (who can do everything the wallet can on EigenLayer).
fn delegation_warning(call: &crate::proposal::ProposedCall, book: Option<(Address, Address)>) -> Option<String> {
    use alloy::sol_types::SolCall;
    use opwallet_bindings::eigenlayer::{IAllocationManager as AM, IPermissionController as PC};
    let (allocation_manager, permission_controller) = book?;
    if call.target != permission_controller {
        return None;
    }
    if let Ok(c) = PC::setAppointeeCall::abi_decode(&call.data) {
        let risky = [AM::registerForOperatorSetsCall::SELECTOR, AM::modifyAllocationsCall::SELECTOR];
        if c.target == allocation_manager && risky.contains(&c.selector.0) {
            return Some(format!(
                "{} would be able to register the operator for operator sets or change its allocations without the \
                 multisig, and without the redistribution guard",
                c.appointee
            ));
        }
    }
    if let Ok(c) = PC::addPendingAdminCall::abi_decode(&call.data)
        && c.admin != c.account
    {
        return Some(format!(
            "{} would become an admin of {}: it could then do everything the wallet can on EigenLayer (register for \
             operator sets, allocate, appoint others) without the multisig",
            c.admin, c.account
        ));
    }
    None
}

impl Review {
    /// Reads and checks everything about `proposal` on `provider`'s chain, simulated after the proposals of
    /// `queue` that run before it (its queue's proposals; empty for a lone file). Errors only when the chain cannot be
    /// read, or it contradicts the file in a way no signer should see past (a message whose preimage does not
    /// hash to its hash on chain; a guard that cannot run).
    // Long: one concurrent read whose joins set the round trips (two to a remote node); split, they serialise.
    pub async fn read<P: Provider>(
        provider: &P,
        proposal: &Proposal,
        book: Option<&AddressBook>,
        decoder: &Decoder,
        now: u64,
        queue: &[Proposal],
        executor: Option<Address>,
    ) -> Result<Self, Error> {
        let calls: &[_] = match &proposal.body {
            Body::Execute { calls, .. } => calls,
            Body::Message { .. } => &[],
        };
        // Two sequential round trips behind a remote node: everything that needs only the file goes out at once;
        // what needs the wallet's state (the simulation) follows, overlapping the code check's second look.
        let executed_nonce = match &proposal.body {
            Body::Execute { nonce, .. } => Some(*nonce),
            Body::Message { .. } => None,
        };
        let reads = async {
            let mut decoder = decoder.clone();
            let token_addresses = decoder.token_addresses(calls);
            let (state, wallet_digest, redistribution, preimage, tokens, verdicts, executed) = tokio::join!(
                WalletState::read(provider, proposal.wallet),
                submit::wallet_digest(provider, proposal),
                guard::check(provider, book, calls),
                // Every hash the wallet would vouch for: its preimage rechecked against EigenLayer.
                futures::future::try_join_all(
                    proposal
                        .vouched()
                        .into_iter()
                        .filter_map(|v| { v.preimage.map(|p| crate::preimage::check(provider, v.hash, p)) })
                ),
                crate::tokens::read_all(provider, &token_addresses),
                verdicts(provider, proposal, None),
                async {
                    match executed_nonce {
                        Some(nonce) => {
                            submit::find_execution(provider, proposal.wallet, nonce, proposal.hashes.digest).await
                        }
                        None => Ok(None),
                    }
                },
            );
            let state = state?;
            preimage?;
            decoder.tokens = tokens;
            // The execution lookup counts only for a nonce the wallet has used.
            let executed = executed?.filter(|_| executed_nonce.is_some_and(|n| n < state.nonce));
            let verdicts = members(verdicts?, &state.signers);
            let verdicts_ok = &verdicts;
            let simulation = async {
                match &proposal.body {
                    Body::Execute { nonce, .. } if proposal.epoch == state.epoch && *nonce >= state.nonce => {
                        // A lone file is simulated as if the nonces before it were used; one in a queue, after the
                        // queued proposals before it.
                        let before = if queue.is_empty() {
                            Ok(Vec::new())
                        } else {
                            crate::store::predecessors(queue, state.nonce, *nonce)
                        };
                        Some(match before {
                            Ok(before) => crate::simulate::simulate(provider, &state, &before, proposal, &decoder)
                                .await
                                .map_err(|e| e.to_string()),
                            Err(gap) => Err(format!(
                                "no proposal is queued for nonce {gap}, which must run before this one (nonce {nonce})"
                            )),
                        })
                    }
                    _ => None,
                }
            };
            let prepare = async {
                let ready = |n: u64| {
                    let valid = verdicts_ok.iter().filter(|(_, v)| *v == Verdict::Valid).count() as u64;
                    proposal.epoch == state.epoch && n == state.nonce && valid >= state.threshold
                };
                match (&proposal.body, executor) {
                    (Body::Execute { nonce, .. }, Some(from)) if ready(*nonce) => {
                        let counted: Vec<SignerSignature> = proposal
                            .signatures
                            .iter()
                            .filter(|s| verdicts_ok.iter().any(|(a, v)| *a == s.signer && *v == Verdict::Valid))
                            .cloned()
                            .collect();
                        let prepared = match crate::packing::pack(&state.header, &counted) {
                            Ok(packed) => submit::prepare(provider, proposal, packed, from).await,
                            Err(e) => Err(e),
                        };
                        Some(prepared.map_err(|e| e.to_string()))
                    }
                    _ => None,
                }
            };
            let (simulation, prepared) = tokio::join!(simulation, prepare);
            // A message with enough signatures: its ERC-1271 signature is assembled and put to the wallet in the
            // same round trip as the code check's second look.
            let assembled = match &proposal.body {
                Body::Message { hash, .. } => {
                    let valid: Vec<Address> =
                        verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).map(|(a, _)| *a).collect();
                    let counted: Vec<SignerSignature> =
                        proposal.signatures.iter().filter(|s| valid.contains(&s.signer)).cloned().collect();
                    if counted.len() as u64 >= state.threshold {
                        let signature =
                            crate::packing::erc1271_wallet_message(&crate::packing::pack(&state.header, &counted)?);
                        let answer = OperatorWallet::new(proposal.wallet, provider)
                            .isValidSignature(*hash, signature.clone())
                            .call()
                            .await
                            .map_err(Error::rpc)?;
                        Some((signature, answer.0 == ERC1271_MAGIC))
                    } else {
                        None
                    }
                }
                Body::Execute { .. } => None,
            };
            Ok::<_, Error>((
                state,
                wallet_digest,
                redistribution,
                verdicts,
                executed,
                simulation,
                decoder,
                assembled,
                prepared,
            ))
        };
        let (code, reads) = tokio::join!(wallet::check_code(provider, proposal.wallet), reads);
        let (state, wallet_digest, redistribution, verdicts, executed, simulation, decoder, assembled, prepared) =
            reads?;
        let (views, title) = describe(&decoder, proposal);
        let mut review = Self {
            code: code.map_err(|e| e.to_string()),
            wallet_digest: wallet_digest?,
            calls: views,
            title,
            redistribution: redistribution?,
            verdicts,
            problems: Vec::new(),
            warnings: Vec::new(),
            simulation,
            executed,
            assembled,
            prepared,
            state,
            book_addresses: book.map(|b| (b.allocation_manager, b.permission_controller)),
        };
        review.problems = review.find_problems(proposal, now);
        review.warnings = review.find_warnings(proposal, now);
        Ok(review)
    }

    /// Signers whose signatures count.
    pub fn valid_signers(&self) -> Vec<Address> {
        self.verdicts
            .iter()
            .filter(|(a, v)| *v == Verdict::Valid && self.state.signers.contains(a))
            .map(|(a, _)| *a)
            .collect()
    }

    /// Why the wallet's code or digest view cannot be trusted, if they cannot.
    pub fn code_mismatch(&self, proposal: &Proposal) -> Option<String> {
        match &self.code {
            Err(e) => Some(e.clone()),
            Ok(c) if !c.known => {
                Some(format!("its implementation {} runs code opwallet does not know", c.implementation))
            }
            Ok(_) if self.wallet_digest != proposal.hashes.digest => Some(format!(
                "its digest view returns {}, not the file's {}",
                self.wallet_digest, proposal.hashes.digest
            )),
            Ok(_) => None,
        }
    }

    fn find_problems(&self, proposal: &Proposal, now: u64) -> Vec<String> {
        if let Some(e) = self.executed.as_ref().filter(|e| e.this_proposal) {
            return vec![format!("it was executed{}", where_executed(e))];
        }
        let state = &self.state;
        let mut out = Vec::new();
        if proposal.chain_id != state.chain_id {
            out.push(format!(
                "the proposal is for chain {} but the RPC is chain {}",
                proposal.chain_id, state.chain_id
            ));
        }
        if proposal.epoch != state.epoch {
            out.push(format!(
                "the wallet's signers changed since this proposal was made (epoch {} → {}): every signature on it is \
                 void; make and sign a new proposal",
                proposal.epoch, state.epoch
            ));
        }
        if let Body::Execute { nonce, deadline, .. } = &proposal.body {
            if *nonce != state.nonce {
                out.push(if *nonce < state.nonce {
                    match &self.executed {
                        Some(e) if e.this_proposal => format!("it was executed{}", where_executed(e)),
                        Some(e) => format!(
                            "nonce {nonce} was used by another proposal (digest {}){}: this one can never run",
                            e.digest,
                            where_executed(e)
                        ),
                        None => format!(
                            "nonce {nonce} was already used (the wallet is at nonce {}): this proposal can never run",
                            state.nonce
                        ),
                    }
                } else {
                    format!(
                        "nonce {nonce} is ahead of the wallet (at {}): execute the earlier proposals first",
                        state.nonce
                    )
                });
            }
            if now > *deadline {
                out.push(format!("the deadline ({deadline}) has passed: make a new proposal"));
            }
        }
        let valid = self.valid_signers();
        let count = valid.len() as u64;
        if count < state.threshold {
            let missing: Vec<String> =
                state.signers.iter().filter(|a| !valid.contains(a)).map(|a| a.to_string()).collect();
            out.push(format!(
                "{count} of {} required signatures: {} more from {}",
                state.threshold,
                state.threshold - count,
                missing.join(", ")
            ));
        }
        out
    }

    fn find_warnings(&self, proposal: &Proposal, now: u64) -> Vec<String> {
        let mut out = Vec::new();
        for (signer, verdict) in &self.verdicts {
            if let Verdict::Invalid(why) = verdict {
                out.push(format!("the entry for {signer} does not count ({why}); it is left out"));
            }
        }
        match &proposal.body {
            Body::Execute { nonce, deadline, calls, .. } => {
                if *nonce < self.state.nonce {
                    out.push(match &self.executed {
                        Some(e) if e.this_proposal => format!("it was already executed{}", where_executed(e)),
                        _ => format!(
                            "nonce {nonce} was already used (the wallet is at nonce {}): this proposal can never run",
                            self.state.nonce
                        ),
                    });
                } else if *nonce > self.state.nonce {
                    out.push(format!(
                        "nonce {nonce} is ahead of the wallet (at {}): it runs only after the proposals before it",
                        self.state.nonce
                    ));
                }
                if now > *deadline {
                    out.push(format!("its deadline {deadline} has passed: it can never run"));
                } else if deadline - now > FAR_DEADLINE {
                    out.push(format!(
                        "its deadline is {} days away: a signature stays usable that long unless the epoch is bumped",
                        (deadline - now) / 86_400
                    ));
                }
                out.extend(calls.iter().filter_map(|c| delegation_warning(c, self.book_addresses)));
                if let Some((_, why)) = crate::actions::gas_floor_problem(proposal) {
                    out.push(why);
                }
                for v in proposal.vouched() {
                    let i = v.call.unwrap_or_default();
                    match v.preimage {
                        None => out.push(format!(
                            "call {i} has the wallet vouch for {}, which has no preimage: opwallet cannot tell what \
                             it authorises",
                            v.hash
                        )),
                        Some(p) => out.extend(
                            preimage_warning(p, proposal.wallet, now).into_iter().map(|w| format!("call {i}: {w}")),
                        ),
                    }
                }
            }
            Body::Message { preimage, .. } => out.extend(preimage_warning(preimage, proposal.wallet, now)),
        }
        out
    }

    /// The packed signature of the signatures that count, for the wallet's current configuration.
    pub fn packed(&self, proposal: &Proposal) -> Result<Bytes, Error> {
        let valid = self.valid_signers();
        let counted: Vec<SignerSignature> =
            proposal.signatures.iter().filter(|s| valid.contains(&s.signer)).cloned().collect();
        crate::packing::pack(&self.state.header, &counted)
    }
}

/// What is wrong with a hash the wallet would vouch for, by its preimage: an expiry passed, another operator or
/// approver than this wallet, or no preimage at all.
fn preimage_warning(preimage: &Preimage, wallet: Address, now: u64) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(expiry) = preimage.expiry()
        && expiry < alloy::primitives::U256::from(now)
    {
        out.push(format!("its EigenLayer expiry {expiry} has passed: EigenLayer will refuse the signature"));
    }
    match preimage {
        Preimage::Unverified => {
            out.push("its hash has no preimage: opwallet cannot tell what signing it authorises".to_owned())
        }
        Preimage::AvsRegistration { operator, .. } if *operator != wallet => {
            out.push(format!("the registration is for operator {operator}, not for this wallet {wallet}"))
        }
        Preimage::DelegationApproval { approver, .. } if *approver != wallet => {
            out.push(format!("the approval is in the name of approver {approver}, not of this wallet {wallet}"))
        }
        _ => {}
    }
    out
}

/// The calls decoded and the title, from the proposal's hashed content only.
pub fn describe(decoder: &Decoder, proposal: &Proposal) -> (Vec<CallView>, String) {
    match &proposal.body {
        Body::Execute { nonce, calls, .. } => {
            let views = decoder.calls(calls);
            let title = decoder.title(&views, *nonce);
            (views, title)
        }
        Body::Message { preimage, .. } => {
            let title = match preimage {
                Preimage::DelegationApproval { .. } => format!("ERC-1271 {}", decoder.preimage_title(preimage)),
                Preimage::Unverified => "ERC-1271 signature over a hash opwallet cannot interpret".to_owned(),
                Preimage::AvsRegistration { .. } => format!("ERC-1271 signature: {}", decoder.preimage_title(preimage)),
            };
            (Vec::new(), title)
        }
    }
}

/// Whether each collected signature counts: ECDSA as the wallet checks it; a contract signer's by asking the contract
/// itself (ERC-1271); an on-chain approval by reading the wallet's `approvedHashes`.
/// Each signature's verdict; with `signers`, entries of non-signers are invalid (without, membership is left to
/// [`members`], so the checks need not wait for the wallet's state).
pub async fn verdicts<P: Provider>(
    provider: &P,
    proposal: &Proposal,
    signers: Option<&[Address]>,
) -> Result<Vec<(Address, Verdict)>, Error> {
    let digest = proposal.hashes.digest;
    let offline = proposal.offline_verdicts();
    let checks = proposal.signatures.iter().zip(offline).map(|(s, (signer, verdict))| async move {
        if signers.is_some_and(|list| !list.contains(&signer)) {
            return Ok::<_, Error>((signer, Verdict::Invalid(format!("{signer} is not a signer of the wallet"))));
        }
        let verdict = match (&s.kind, verdict) {
            (_, Verdict::Invalid(why)) => Verdict::Invalid(why),
            (_, Verdict::Valid) => Verdict::Valid,
            (SignatureKind::Contract { signature }, Verdict::Unchecked) => {
                contract_verdict(provider, signer, digest, signature).await?
            }
            (SignatureKind::Approved, Verdict::Unchecked) => {
                let approved = OperatorWallet::new(proposal.wallet, provider)
                    .approvedHashes(signer, digest)
                    .call()
                    .await
                    .map_err(Error::rpc)?;
                if approved {
                    Verdict::Valid
                } else {
                    Verdict::Invalid(format!("{signer} has not approved this digest on chain (approveHash)"))
                }
            }
            (SignatureKind::Ecdsa { .. }, Verdict::Unchecked) => Verdict::Unchecked,
        };
        Ok::<_, Error>((signer, verdict))
    });
    futures::future::try_join_all(checks).await
}

/// `verdicts` with the entries of anyone not in `signers` made invalid.
pub fn members(verdicts: Vec<(Address, Verdict)>, signers: &[Address]) -> Vec<(Address, Verdict)> {
    verdicts
        .into_iter()
        .map(|(who, v)| {
            if signers.contains(&who) {
                (who, v)
            } else {
                (who, Verdict::Invalid(format!("{who} is not a signer of the wallet")))
            }
        })
        .collect()
}

/// Asks a contract signer whether `signature` is its signature over `digest`.
pub async fn contract_verdict<P: Provider>(
    provider: &P,
    signer: Address,
    digest: B256,
    signature: &Bytes,
) -> Result<Verdict, Error> {
    let contract = IERC1271::new(signer, provider);
    let (code, answer) = tokio::join!(provider.get_code_at(signer), async {
        contract.isValidSignature(digest, signature.clone()).call().await
    });
    if code.map_err(Error::rpc)?.is_empty() {
        return Ok(Verdict::Invalid(format!("{signer} has no code, so it cannot sign as a contract")));
    }
    Ok(match answer {
        Ok(answer) if answer.0 == ERC1271_MAGIC => Verdict::Valid,
        Ok(answer) => Verdict::Invalid(format!("{signer}.isValidSignature returned {answer}, not the magic value")),
        // Only a failure to reach the node is an error; any answer the contract gives (a revert, no data, data
        // that does not decode) means the signature does not count.
        Err(alloy::contract::Error::TransportError(e)) if !matches!(e, alloy::transports::RpcError::ErrorResp(_)) => {
            return Err(Error::rpc(e));
        }
        Err(e) => Verdict::Invalid(format!("{signer}.isValidSignature did not answer valid ({e})")),
    })
}

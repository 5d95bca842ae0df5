//! What a call does, read from its calldata alone: the signing screen's only source for function names and
//! arguments. A call is decoded against the ABI of the contract its target is (this wallet, or an EigenLayer contract
//! of the address book), or against ERC-20 for any other target, and only if the calldata re-encodes to exactly the
//! same bytes; anything else is shown raw, with the reason.
//!
//! Every string produced here is already escaped ([`crate::text::escape`]): it may be printed as is.

use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt},
    json_abi::{Function, JsonAbi, Param},
    primitives::{Address, Bytes, U256, utils::format_ether},
    sol_types::SolValue,
};
use opwallet_bindings::eigenlayer;

use crate::{AddressBook, proposal::ProposedCall, text::escape};

/// The `abi` of a call decoded with the function signature the proposal file carries.
pub const PROPOSER_SIGNATURE: &str = "(the file's function signature)";

/// Who a call's target is, as far as opwallet can tell without trusting anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The wallet the proposal is for (a configuration change).
    ThisWallet,
    /// A contract of the address book, by its name there.
    Known(String),
    /// Neither: its identity is not verified.
    Unknown,
}

/// One decoded argument: `name = value` (value formatted and escaped).
pub type Arg = (String, String);

/// What a call does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A function of a known ABI. `abi` names the ABI used (for an unknown target, "ERC-20").
    Function {
        /// The ABI the calldata was decoded with: an address-book contract's name, `OperatorWallet`, `ERC-20`, or
        /// the proposer's own function signature ([`PROPOSER_SIGNATURE`]).
        abi: String,
        /// The function's name (escaped when it came from the proposer).
        name: String,
        /// Its arguments in order, formatted and escaped.
        args: Vec<Arg>,
    },
    /// No calldata: a plain value transfer.
    Transfer,
    /// Could not be decoded; `why` says why, and the raw calldata is all there is.
    Raw {
        /// Why: calldata too short for a selector, a selector the ABI lacks, arguments that do not decode exactly,
        /// or a proposer's signature that does not match the calldata (`MISMATCH: …`).
        why: String,
    },
}

/// A call as the signing screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView {
    /// The address called.
    pub target: Address,
    /// Whether the target is the wallet itself, a contract of the address book, or unverified.
    pub target_is: Target,
    /// The wei sent with the call.
    pub value: U256,
    /// The calldata as signed.
    pub data: Bytes,
    /// What the call does, decoded from `data`.
    pub action: Action,
    /// A one-line description derived from the decoded arguments, for known EigenLayer and wallet actions.
    pub summary: Option<String>,
}

/// The ABIs opwallet decodes against, and the names of the addresses it knows.
#[derive(Debug, Clone)]
pub struct Decoder {
    wallet: Address,
    /// ERC-20 tokens the calls move, read from the chain, so amounts show with symbol and decimals.
    pub tokens: std::collections::HashMap<Address, crate::tokens::Token>,
    /// Which ABI each EigenLayer contract of the book speaks, by the book's typed fields (never by a name).
    abi_of: Vec<(Address, &'static str)>,
    /// Show long strings and byte strings in full (`--full`) instead of cut with their hash.
    pub full: bool,
    names: Vec<(String, Address)>,
    abis: Vec<(&'static str, JsonAbi)>,
    erc20: JsonAbi,
}

alloy::sol! {
    #[sol(abi)]
    interface IERC20 {
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
    }
}

impl Decoder {
    /// A decoder for proposals of `wallet`, naming the contracts of `book` if there is one.
    pub fn new(wallet: Address, book: Option<&AddressBook>) -> Self {
        let names = book.map(AddressBook::names).unwrap_or_default();
        let abi_of = book
            .map(|b| {
                let mut v = vec![
                    (b.delegation_manager, "DelegationManager"),
                    (b.allocation_manager, "AllocationManager"),
                    (b.permission_controller, "PermissionController"),
                    (b.avs_directory, "AVSDirectory"),
                ];
                v.extend(b.rewards_coordinator.map(|a| (a, "RewardsCoordinator")));
                v.extend(b.key_registrar.map(|a| (a, "KeyRegistrar")));
                v
            })
            .unwrap_or_default();
        let abis = vec![
            ("OperatorWallet", opwallet_bindings::operator_wallet_abi()),
            ("DelegationManager", eigenlayer::IDelegationManager::abi::contract()),
            ("AllocationManager", eigenlayer::IAllocationManager::abi::contract()),
            ("PermissionController", eigenlayer::IPermissionController::abi::contract()),
            ("AVSDirectory", eigenlayer::IAVSDirectory::abi::contract()),
            ("RewardsCoordinator", eigenlayer::IRewardsCoordinator::abi::contract()),
            ("KeyRegistrar", eigenlayer::IKeyRegistrar::abi::contract()),
        ];
        Self { wallet, tokens: Default::default(), abi_of, full: false, names, abis, erc20: IERC20::abi::contract() }
    }

    /// The name opwallet knows `address` by, if any.
    pub fn name_of(&self, address: Address) -> Option<&str> {
        if address == self.wallet {
            return Some("this wallet");
        }
        self.names.iter().find(|(_, a)| *a == address).map(|(n, _)| n.as_str())
    }

    /// `raw` units of `token`: `1.5 DRT of token 0x…` when its metadata was read, else `N units of token 0x…`.
    pub fn amount(&self, token: Address, raw: U256) -> String {
        match self.tokens.get(&token) {
            Some(t) => format!("{} of token {}", t.amount(raw), self.address(token)),
            None => format!("{raw} units of token {}", self.address(token)),
        }
    }

    /// The ERC-20 tokens whose amounts the calls carry (transfers and approvals, rewards claims), to be read before
    /// the calls are described.
    pub fn token_addresses(&self, calls: &[ProposedCall]) -> Vec<Address> {
        use alloy::sol_types::SolCall;
        let mut out = Vec::new();
        for c in calls {
            let selector = c.data.get(..4).unwrap_or_default();
            if selector == IERC20::transferCall::SELECTOR || selector == IERC20::approveCall::SELECTOR {
                out.push(c.target);
            }
            if let Ok(claim) = eigenlayer::IRewardsCoordinator::processClaimsCall::abi_decode(&c.data) {
                out.extend(claim.claims.iter().flat_map(|c| c.tokenLeaves.iter().map(|l| l.token)));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// `0x… (name)` for a known address, `0x…` otherwise.
    pub fn address(&self, address: Address) -> String {
        match self.name_of(address) {
            Some(name) => format!("{address} ({})", escape(name)),
            None => address.to_string(),
        }
    }

    fn target_of(&self, address: Address) -> Target {
        if address == self.wallet {
            Target::ThisWallet
        } else {
            match self.name_of(address) {
                Some(n) => Target::Known(n.to_owned()),
                None => Target::Unknown,
            }
        }
    }

    /// Decodes one call from its target and calldata.
    pub fn call(&self, call: &ProposedCall) -> CallView {
        let target_is = self.target_of(call.target);
        let action = match (self.action(&target_is, call.target, &call.data), &call.function) {
            // Nothing opwallet knows decodes it, but the file names the function: decoded with it only if its
            // selector and the canonical encoding match the calldata exactly.
            (Action::Raw { .. }, Some(signature)) => self.with_signature(signature, &call.data),
            (action, _) => action,
        };
        let summary = match &action {
            // The wallet vouching for a hash during this execution: what the hash is, from the preimage the file
            // gives (`Proposal::verify` recomputed the hash from it; `sign` checks it on chain).
            Action::Function { .. } if call.vouches_for(self.wallet).is_some() => Some(match &call.preimage {
                Some(preimage) => format!(
                    "vouch (ERC-1271) only while this batch runs for: {}{}",
                    self.preimage_title(preimage),
                    preimage_terms(preimage)
                ),
                None => "vouch (ERC-1271) only while this batch runs for a hash opwallet cannot interpret".to_owned(),
            }),
            Action::Function { abi, name, .. } => self.summary(abi, name, call.target, &call.data),
            Action::Transfer => Some(format!("send {} ETH to {}", ether(call.value), self.address(call.target))),
            Action::Raw { .. } => None,
        };
        CallView { target: call.target, target_is, value: call.value, data: call.data.clone(), action, summary }
    }

    /// Decodes every call of a batch.
    pub fn calls(&self, calls: &[ProposedCall]) -> Vec<CallView> {
        calls.iter().map(|c| self.call(c)).collect()
    }

    /// The ABI of the EigenLayer contract at `address`, by the address book's typed fields.
    fn abi_for(&self, address: Address) -> Option<(&'static str, &JsonAbi)> {
        let name = self.abi_of.iter().find(|(a, _)| *a == address).map(|(_, n)| *n)?;
        self.abis.iter().find(|(n, _)| *n == name).map(|(n, abi)| (*n, abi))
    }

    fn action(&self, target: &Target, address: Address, data: &[u8]) -> Action {
        if data.is_empty() {
            return Action::Transfer;
        }
        let Some(selector) = data.get(..4) else {
            return Action::Raw { why: format!("{} bytes of calldata are too short to name a function", data.len()) };
        };
        let (abi_name, abi) = match target {
            Target::ThisWallet => ("OperatorWallet", &self.abis[0].1),
            _ => match self.abi_for(address) {
                Some((n, abi)) => (n, abi),
                None => ("ERC-20", &self.erc20),
            },
        };
        let Some(function) = abi.functions().find(|f| f.selector().as_slice() == selector) else {
            return Action::Raw {
                why: format!("selector 0x{} is not a function of the {abi_name} ABI opwallet knows", hex(selector)),
            };
        };
        match decode_exact(function, data) {
            Ok(values) => Action::Function {
                abi: abi_name.to_owned(),
                name: function.name.clone(),
                args: self.args(function, &values, data),
            },
            Err(why) => Action::Raw { why: format!("{abi_name}.{}: {why}", function.name) },
        }
    }

    /// Decodes `data` with a function signature from the proposal file (untrusted: the selector is what binds it).
    fn with_signature(&self, signature: &str, data: &[u8]) -> Action {
        let shown = quote(signature);
        let Ok(function) = Function::parse(signature) else {
            return Action::Raw {
                why: format!("the proposer's function {shown} is not a Solidity function signature"),
            };
        };
        if data.get(..4) != Some(function.selector().as_slice()) {
            return Action::Raw {
                why: format!(
                    "MISMATCH: the proposer says it calls {shown}, whose selector {} is not the calldata's",
                    function.selector()
                ),
            };
        }
        match decode_exact(&function, data) {
            Ok(values) => Action::Function {
                abi: PROPOSER_SIGNATURE.to_owned(),
                name: escape(&function.name),
                args: self.args(&function, &values, data),
            },
            Err(why) => Action::Raw { why: format!("MISMATCH: the proposer's function {shown}: {why}") },
        }
    }

    fn args(&self, function: &Function, values: &[DynSolValue], data: &[u8]) -> Vec<Arg> {
        let mut args: Vec<Arg> = function
            .inputs
            .iter()
            .zip(values)
            .map(|(param, value)| (escape(&param.name), self.value(param, value)))
            .collect();
        // A BLS AVS's registration data, when it is exactly the middleware's layout: show what is in it.
        if function.name == "registerForOperatorSets"
            && let Ok(call) =
                <eigenlayer::IAllocationManager::registerForOperatorSetsCall as alloy::sol_types::SolCall>::abi_decode(
                    data,
                )
            && let Ok(bls) = eigenlayer::BlsRegistrationData::abi_decode(&call.params.data)
            && bls.abi_encode() == call.params.data.as_ref()
        {
            let p = &bls.params;
            args.push(("data, read as a BLS registration: socket".into(), quote(&bls.socket)));
            args.push((
                "data, read as a BLS registration: G1 public key".into(),
                format!("({}, {})", p.pubkeyG1.X, p.pubkeyG1.Y),
            ));
        }
        args
    }

    /// A value formatted for a signer: decimal numbers, checksummed (and named) addresses, hex bytes, quoted and
    /// escaped strings, `[…]` arrays and `(name: value, …)` tuples.
    pub(crate) fn value(&self, param: &Param, value: &DynSolValue) -> String {
        match value {
            DynSolValue::Address(a) => self.address(*a),
            DynSolValue::Bool(b) => b.to_string(),
            DynSolValue::Uint(u, _) => u.to_string(),
            DynSolValue::Int(i, _) => i.to_string(),
            DynSolValue::FixedBytes(word, size) => format!("0x{}", hex(&word[..*size])),
            DynSolValue::Bytes(b) if self.full => format!("0x{}", hex(b)),
            DynSolValue::Bytes(b) => bytes(b),
            DynSolValue::String(s) if self.full => format!("\"{}\"", escape(s).replace('"', "\\\"")),
            DynSolValue::String(s) => quote(s),
            DynSolValue::Function(f) => format!("0x{}", hex(f.as_slice())),
            DynSolValue::Array(items) | DynSolValue::FixedArray(items) => {
                let element = element_param(param);
                let shown: Vec<String> = items.iter().map(|v| self.value(&element, v)).collect();
                format!("[{}]", shown.join(", "))
            }
            DynSolValue::Tuple(items) => {
                let shown: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match param.components.get(i) {
                        Some(c) if !c.name.is_empty() => format!("{}: {}", escape(&c.name), self.value(c, v)),
                        Some(c) => self.value(c, v),
                        None => self.value(&Param::default(), v),
                    })
                    .collect();
                format!("({})", shown.join(", "))
            }
            DynSolValue::CustomStruct { prop_names, tuple, .. } => {
                let shown: Vec<String> = tuple
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let component = param.components.get(i).cloned().unwrap_or_default();
                        let name = prop_names.get(i).map(String::as_str).unwrap_or(&component.name);
                        if name.is_empty() {
                            self.value(&component, v)
                        } else {
                            format!("{}: {}", escape(name), self.value(&component, v))
                        }
                    })
                    .collect();
                format!("({})", shown.join(", "))
            }
        }
    }

    /// A sentence for the functions opwallet proposes (the action registry's), or for ERC-20 transfers.
    fn summary(&self, abi: &str, name: &str, target: Address, data: &[u8]) -> Option<String> {
        use alloy::sol_types::SolCall;
        if let Some(spec) = crate::actions::spec(abi, data) {
            return (spec.summary)(data, self);
        }
        match (abi, name) {
            ("ERC-20", "transfer") => {
                let c = IERC20::transferCall::abi_decode(data).ok()?;
                Some(format!("transfer {} to {}", self.amount(target, c.amount), self.address(c.to)))
            }
            ("ERC-20", "approve") => {
                let c = IERC20::approveCall::abi_decode(data).ok()?;
                Some(format!("allow {} to spend {}", self.address(c.spender), self.amount(target, c.amount)))
            }
            _ => None,
        }
    }

    /// What signing an ERC-1271 signature over a hash with this preimage authorises, in words.
    pub fn preimage_title(&self, preimage: &crate::proposal::Preimage) -> String {
        use crate::proposal::Preimage;
        match preimage {
            Preimage::AvsRegistration { operator, avs, .. } => {
                format!("{} registers with AVS {} (AVSDirectory)", self.address(*operator), self.address(*avs))
            }
            Preimage::DelegationApproval { staker, operator, .. } => format!(
                "delegation approval: staker {} may delegate to {}",
                self.address(*staker),
                self.address(*operator)
            ),
            Preimage::Unverified => "a hash opwallet cannot interpret".to_owned(),
        }
    }

    /// `name (0x…)` for a selector of a contract whose ABI opwallet knows, `0x…` otherwise.
    pub fn function_name(&self, target: Address, selector: alloy::primitives::FixedBytes<4>) -> String {
        let abi = match self.target_of(target) {
            Target::ThisWallet => Some(&self.abis[0].1),
            _ => self.abi_for(target).map(|(_, a)| a),
        };
        match abi.and_then(|a| a.functions().find(|f| f.selector() == selector)) {
            Some(f) => format!("{} ({selector})", escape(&f.name)),
            None => selector.to_string(),
        }
    }

    /// The proposal's title, derived from its calls (never from the file's own words).
    pub fn title(&self, calls: &[CallView], nonce: u64) -> String {
        let one = |c: &CallView| match (&c.summary, &c.action) {
            (Some(s), _) => s.clone(),
            (None, Action::Function { abi, name, .. }) => format!("{}.{name}", escape(abi)),
            (None, Action::Transfer) => "a value transfer".into(),
            (None, Action::Raw { .. }) => format!("an undecoded call to {}", self.address(c.target)),
        };
        match calls {
            [] => format!("cancel nonce {nonce} (an empty batch: it only uses up the nonce)"),
            [c] => one(c),
            many => format!("{} calls: {}", many.len(), many.iter().map(one).collect::<Vec<_>>().join("; ")),
        }
    }
}

/// Decodes `data` as a call of `function` and checks that encoding the result gives back exactly `data`, so what
/// is shown is all that is sent (no trailing bytes, no non-canonical encodings read differently by different
/// decoders).
fn decode_exact(function: &Function, data: &[u8]) -> Result<Vec<DynSolValue>, String> {
    let values = function.abi_decode_input(&data[4..]).map_err(|e| format!("the calldata does not decode: {e}"))?;
    let again = function.abi_encode_input(&values).map_err(|e| format!("cannot re-encode: {e}"))?;
    if again != data {
        return Err(format!(
            "the calldata ({} bytes) is not the canonical encoding of its decoded arguments ({} bytes)",
            data.len(),
            again.len()
        ));
    }
    Ok(values)
}

/// The parameter describing one element of an array parameter.
fn element_param(param: &Param) -> Param {
    let mut element = param.clone();
    if let Some(open) = element.ty.rfind('[') {
        element.ty.truncate(open);
    }
    element
}

/// The most characters of a string, and bytes of a byte string, shown in full on a signing screen. Anything longer
/// is shown as its beginning, its length and its keccak256: a signer cannot read 30,000 characters, and a long
/// value could otherwise fill the terminal and scroll the real lines out of sight.
pub const SHOWN_CHARS: usize = 160;
/// The most bytes of a byte string shown in full on a signing screen; as [`SHOWN_CHARS`] for strings.
pub const SHOWN_BYTES: usize = 96;

/// `"…"` with quotes and backslashes escaped, every unsafe character visible, runs of spaces counted (so blank
/// padding cannot push text around), and long strings cut (see [`SHOWN_CHARS`]).
pub fn quote(s: &str) -> String {
    let total = s.chars().count();
    let shown: String = s.chars().take(SHOWN_CHARS).collect();
    let mut body = escape(&shown).replace('"', "\\\"");
    body = collapse_spaces(&body);
    if total > SHOWN_CHARS {
        format!(
            "\"{body}\"… ({total} characters in all, keccak256 {}; shown in full with --full)",
            alloy::primitives::keccak256(s.as_bytes())
        )
    } else {
        format!("\"{body}\"")
    }
}

/// Runs of more than three spaces written as `⟨N spaces⟩`.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0usize;
    let flush = |out: &mut String, run: usize| {
        if run > 3 {
            out.push_str(&format!("⟨{run} spaces⟩"));
        } else {
            out.push_str(&" ".repeat(run));
        }
    };
    for c in s.chars() {
        if c == ' ' {
            run += 1;
        } else {
            flush(&mut out, run);
            run = 0;
            out.push(c);
        }
    }
    flush(&mut out, run);
    out
}

/// Hex bytes, cut after [`SHOWN_BYTES`] with the length and keccak256.
pub fn bytes(b: &[u8]) -> String {
    if b.len() > SHOWN_BYTES {
        format!(
            "0x{}… ({} bytes in all, keccak256 {})",
            hex(&b[..SHOWN_BYTES]),
            b.len(),
            alloy::primitives::keccak256(b)
        )
    } else {
        format!("0x{}", hex(b))
    }
}

/// Wei as ETH, without trailing zeros: `0`, `1`, `1.5`.
pub fn ether(wei: U256) -> String {
    let text = format_ether(wei);
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
        Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
        None => text,
    }
}

fn hex(bytes: &[u8]) -> String {
    alloy::primitives::hex::encode(bytes)
}

/// `, salt …, expiry … (unix seconds)` of a preimage that has them.
fn preimage_terms(preimage: &crate::proposal::Preimage) -> String {
    use crate::proposal::Preimage;
    match preimage {
        Preimage::AvsRegistration { salt, expiry, .. } | Preimage::DelegationApproval { salt, expiry, .. } => {
            format!(", salt {salt}, expiry {expiry} (unix seconds)")
        }
        Preimage::Unverified => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use alloy::{
        primitives::{Address, U256, address},
        sol_types::SolCall,
    };
    use opwallet_bindings::{OperatorWallet, eigenlayer::IDelegationManager};

    use super::*;

    const WALLET: Address = address!("00000000000000000000000000000000000000aa");
    const DM: Address = address!("00000000000000000000000000000000000000dd");

    fn decoder() -> Decoder {
        let mut book = crate::AddressBook::network("mainnet").expect("book");
        book.delegation_manager = DM;
        Decoder::new(WALLET, Some(&book))
    }

    #[test]
    fn a_call_is_described_by_its_calldata_alone() {
        let d = decoder();
        let data = OperatorWallet::bumpEpochCall {}.abi_encode();
        let v = d.call(&ProposedCall::new(WALLET, data));
        assert_eq!(v.target_is, Target::ThisWallet);
        assert!(
            matches!(&v.action, Action::Function { abi, name, .. } if abi == "OperatorWallet" && name == "bumpEpoch")
        );
        assert!(v.summary.as_deref().is_some_and(|s| s.contains("bump the wallet's epoch")), "{v:?}");

        let uri = "https://op.example/m.json\u{1b}[2A\rwallet 0xevil";
        let data = IDelegationManager::updateOperatorMetadataURICall { operator: WALLET, metadataURI: uri.into() }
            .abi_encode();
        let v = d.call(&ProposedCall::new(DM, data));
        let Action::Function { args, .. } = &v.action else { panic!("{v:?}") };
        assert_eq!(args[0], ("operator".into(), format!("{WALLET} (this wallet)")));
        assert_eq!(args[1].1, "\"https://op.example/m.json\\u{1b}[2A\\u{d}wallet 0xevil\"");
        assert!(crate::text::is_plain(&args[1].1) && crate::text::is_plain(v.summary.as_deref().unwrap_or("")));
    }

    #[test]
    fn calls_that_do_not_decode_exactly_are_raw_with_the_reason() {
        let d = decoder();
        let good = OperatorWallet::setThresholdCall { newThreshold: U256::from(2) }.abi_encode();
        // Trailing bytes: Solidity would ignore them, so the screen would not show all that is sent.
        let trailing = [good.clone(), vec![0xde, 0xad]].concat();
        let v = d.call(&ProposedCall::new(WALLET, trailing));
        assert!(matches!(&v.action, Action::Raw { why } if why.contains("not the canonical encoding")), "{v:?}");
        // A function the target's ABI does not have.
        let v = d.call(&ProposedCall::new(DM, good.clone()));
        assert!(
            matches!(&v.action, Action::Raw { why } if why.contains("not a function of the DelegationManager ABI"))
        );
        // An unknown target is tried as ERC-20 only.
        let v = d.call(&ProposedCall::new(Address::repeat_byte(7), good));
        assert!(matches!(&v.action, Action::Raw { why } if why.contains("ERC-20")));
        assert_eq!(v.target_is, Target::Unknown);
        let v = d.call(&ProposedCall::new(Address::repeat_byte(7), vec![1, 2]));
        assert!(matches!(&v.action, Action::Raw { why } if why.contains("too short")));
    }

    #[test]
    fn long_values_cannot_fill_the_screen() {
        let padded = format!("ok{}then a fake screen", " ".repeat(30_000));
        let shown = quote(&padded);
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.contains("⟨158 spaces⟩") && shown.contains("30020 characters in all, keccak256 0x"), "{shown}");
        assert_eq!(quote("a  b"), "\"a  b\"");
        assert_eq!(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
        let long = bytes(&[0xab; 1000]);
        assert!(long.starts_with("0xabab") && long.contains("1000 bytes in all"), "{long}");
        assert_eq!(bytes(&[1, 2]), "0x0102");
    }

    #[test]
    fn titles_come_from_the_calls() {
        let d = decoder();
        assert!(d.title(&[], 4).contains("cancel nonce 4"));
        let calls = d.calls(&[
            ProposedCall::new(WALLET, OperatorWallet::bumpEpochCall {}.abi_encode()),
            ProposedCall {
                target: Address::repeat_byte(9),
                value: U256::from(10u64.pow(18)),
                data: Bytes::new(),
                function: None,
                preimage: None,
            },
        ]);
        let title = d.title(&calls, 0);
        assert!(title.starts_with("2 calls: bump the wallet's epoch"), "{title}");
        assert!(title.contains("send 1 ETH to 0x0909"), "{title}");
    }
}

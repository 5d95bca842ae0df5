use std::path::PathBuf;

use alloy::primitives::{Address, Bytes, U256};
use clap::Args;
use eyre::{Result, WrapErr, bail};
use opwallet_core::actions::call::{Call, encode};

use super::Out;
use crate::opts::parse;

/// Any call: give the function and its arguments (`--sig`, or `--abi` and `--function`) so that every signer's
/// screen decodes it; bare `--data` only with `--raw`.
#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    #[arg(long, value_parser = parse::address)]
    to: Address,
    /// Wei to send from the wallet.
    #[arg(long, value_parser = parse::wei, default_value = "0")]
    value: U256,
    /// The function, cast-style: `--sig "transfer(address,uint256)" 0xTO 1000` (names optional).
    #[arg(long, value_name = "SIGNATURE", conflicts_with_all = ["abi", "data"])]
    sig: Option<String>,
    /// A JSON ABI (an array, or an artifact with an `abi` field) holding the function named by --function.
    #[arg(long, value_name = "FILE", requires = "function", conflicts_with = "data")]
    abi: Option<PathBuf>,
    /// The function of --abi (its name, or its signature if the name is overloaded).
    #[arg(long, value_name = "NAME", requires = "abi")]
    function: Option<String>,
    /// The function's arguments, in order.
    #[arg(value_name = "ARGS")]
    args: Vec<String>,
    /// Raw calldata: signers see it undecoded unless opwallet knows the target's ABI. Needs --raw.
    #[arg(long, value_parser = parse::bytes, requires = "raw")]
    data: Option<Bytes>,
    /// Allow --data without a function signature (the signing screen marks it undecoded, in red).
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    out: Out,
}

impl CallArgs {
    pub(super) async fn action(self, _now: u64, _wallet: Address) -> Result<(Call, Out)> {
        let signature = match (&self.sig, &self.abi, &self.function) {
            (Some(sig), _, _) => Some(sig.clone()),
            (None, Some(file), Some(name)) => Some(from_abi(file, name)?),
            _ => None,
        };
        let (data, function) = match (signature, self.data) {
            (Some(sig), _) => {
                let (data, sig) = encode(&sig, &self.args)?;
                (data, Some(sig))
            }
            (None, Some(data)) => {
                if !self.args.is_empty() {
                    bail!("arguments are given without --sig or --abi/--function");
                }
                (data, None)
            }
            (None, None) => {
                if !self.args.is_empty() {
                    bail!("arguments are given without --sig or --abi/--function");
                }
                (Bytes::new(), None)
            }
        };
        Ok((Call { to: self.to, value: self.value, data, function }, self.out))
    }
}

/// The signature of function `name` in the ABI file.
fn from_abi(file: &PathBuf, name: &str) -> Result<String> {
    use alloy::json_abi::JsonAbi;
    let text = std::fs::read_to_string(file).wrap_err_with(|| format!("reading --abi {}", file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).wrap_err_with(|| format!("--abi {} is not JSON", file.display()))?;
    let abi_value = value.get("abi").cloned().unwrap_or(value);
    let abi: JsonAbi = serde_json::from_value(abi_value)
        .wrap_err_with(|| format!("--abi {} is not a JSON ABI (an array, or an object with `abi`)", file.display()))?;
    let matches: Vec<_> = abi.functions().filter(|f| f.name == name || f.signature() == name).collect();
    match matches.as_slice() {
        [f] => {
            let params: Vec<String> = f
                .inputs
                .iter()
                .map(|p| if p.name.is_empty() { p.selector_type().into_owned() } else { format!("{} {}", p.selector_type(), p.name) })
                .collect();
            Ok(format!("{}({})", f.name, params.join(", ")))
        }
        [] => bail!("--abi {} has no function `{name}`", file.display()),
        many => bail!(
            "`{name}` is overloaded in --abi {}: pass one of {} as --function",
            file.display(),
            many.iter().map(|f| f.signature()).collect::<Vec<_>>().join(", ")
        ),
    }
}

//! Any call from the wallet. Signers see it decoded where opwallet knows the target's ABI, raw and flagged otherwise.

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
};

use super::{Action, Ctx, Planned};
use crate::{Error, proposal::ProposedCall};

/// Calls `to` with `value` and `data`; `function` is the Solidity signature the data was encoded from (for
/// targets whose ABI opwallet does not know), carried in the file for signers' screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The contract or account called.
    pub to: Address,
    /// The wei sent with the call.
    pub value: U256,
    /// The calldata.
    pub data: Bytes,
    /// The Solidity signature `data` was encoded from (`transfer(address to, uint256 amount)`); `None` for raw data.
    pub function: Option<String>,
}

/// Calldata for `function` (a Solidity signature, names optional: `transfer(address to, uint256 amount)`) with
/// `args` in cast's text forms (decimal or hex numbers, 0x addresses and bytes, `true`, `[a,b]`, `(a,b)`).
/// Returns the calldata and the signature as parsed.
pub fn encode(function: &str, args: &[String]) -> Result<(Bytes, String), Error> {
    use alloy::{
        dyn_abi::{DynSolType, JsonAbiExt, Specifier},
        json_abi::Function,
    };
    let f = Function::parse(function.trim()).map_err(|e| {
        Error::Malformed(format!("`{}` is not a function signature: {e}", crate::text::escape(function)))
    })?;
    if f.inputs.len() != args.len() {
        return Err(Error::Malformed(format!(
            "{} takes {} argument(s), {} given",
            f.signature(),
            f.inputs.len(),
            args.len()
        )));
    }
    let mut values = Vec::with_capacity(args.len());
    for (param, arg) in f.inputs.iter().zip(args) {
        let ty: DynSolType = param.resolve().map_err(|e| Error::Malformed(format!("{}: {e}", param.ty)))?;
        let label = if param.name.is_empty() { param.ty.clone() } else { format!("{} {}", param.ty, param.name) };
        values.push(
            ty.coerce_str(arg)
                .map_err(|e| Error::Malformed(format!("`{}` is not a {label}: {e}", crate::text::escape(arg))))?,
        );
    }
    let data = f.abi_encode_input(&values).map_err(|e| Error::Malformed(format!("cannot encode: {e}")))?;
    Ok((data.into(), full_signature(&f)))
}

/// `name(type name, …)`: the signature with parameter names, as the file carries it.
fn full_signature(f: &alloy::json_abi::Function) -> String {
    let params: Vec<String> = f
        .inputs
        .iter()
        .map(|p| {
            if p.name.is_empty() { p.selector_type().into_owned() } else { format!("{} {}", p.selector_type(), p.name) }
        })
        .collect();
    format!("{}({})", f.name, params.join(", "))
}

impl Action for Call {
    async fn plan<P: Provider>(self, _: &Ctx<'_, P>) -> Result<Planned, Error> {
        Ok(Planned::call(ProposedCall {
            target: self.to,
            value: self.value,
            data: self.data,
            function: self.function,
            preimage: None,
        }))
    }
}

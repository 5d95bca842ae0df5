//! `KeyRegistrar.deregisterKey`: removes the wallet's key for an operator set. Only once the operator is no longer
//! slashable for the set (deregistered from it and past the deallocation delay); the key stays spent forever.

use alloy::{
    providers::Provider,
    sol_types::{SolCall, SolError},
};
use opwallet_bindings::eigenlayer::{IAllocationManager, IEigenLayerErrors::*, IKeyRegistrar, OperatorSet};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets, register_key::registrar};
use crate::{Error, decode::Decoder, proposal::ProposedCall};

type Call = IKeyRegistrar::deregisterKeyCall;

/// Deregisters the wallet's key for `set`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeregisterKey {
    /// The operator set whose key is removed.
    pub set: OperatorSet,
}

impl Action for DeregisterKey {
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let kr_address = registrar(ctx)?;
        let (w, set) = (ctx.wallet(), self.set.clone());
        let kr = IKeyRegistrar::new(kr_address, ctx.provider);
        let am = IAllocationManager::new(ctx.book()?.allocation_manager, ctx.provider);
        let (registered, slashable) =
            tokio::try_join!(async { kr.isRegistered(set.clone(), w).call().await.map_err(Error::rpc) }, async {
                am.isOperatorSlashable(w, set.clone()).call().await.map_err(Error::rpc)
            },)?;
        if !registered {
            return Err(Error::Refused(format!("{w} has no key for operator set {}:{}", set.avs, set.id)));
        }
        if slashable {
            return Err(Error::Refused(format!(
                "{w} is still slashable for operator set {}:{}: deregister from the set (propose deregister-operator-sets) \
                 and wait out the deallocation delay first",
                set.avs, set.id
            )));
        }
        Ok(Planned::call(ProposedCall::new(kr_address, Call { operator: w, operatorSet: set }.abi_encode()))
            .notice("note: the key stays spent: it can never be registered again, by anyone"))
    }
}

/// The registry entry for `KeyRegistrar.deregisterKey`.
pub const SPEC: Spec = Spec {
    abi: "KeyRegistrar",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        Some(format!(
            "deregister {}'s signing key for operator set {}:{}",
            d.address(c.operator),
            d.address(c.operatorSet.avs),
            c.operatorSet.id
        ))
    },
    touches: no_sets,
};

/// The KeyRegistrar's error for an operator still slashable for the set, in words.
pub const ERRORS: &[ErrorText] = &[ErrorText {
    selector: OperatorStillSlashable::SELECTOR,
    name: "OperatorStillSlashable",
    words: "the operator is still slashable for that operator set: deregister and wait out the deallocation delay",
}];

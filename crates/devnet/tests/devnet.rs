//! The devnet and the fork harness against real EigenLayer 1.13.0 contracts on Anvil: every assertion goes
//! through EigenLayer's own views and events. Each test starts its own devnet (from the state cache) and its own
//! fork, and both are killed when the test ends.

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
    signers::SignerSync,
};
use opwallet_devnet::{
    Devnet, DevnetOptions, Error, Fork, LEGACY_AVS, OPERATOR_SET_AVS, REDISTRIBUTION_RECIPIENT_INDEX, SLASHER_INDEX,
    STAKE_STRATEGY, STAKER_INDEX, StateSource,
    contracts::{
        IAVSDirectory, IAllocationManager, IDelegationManager, IKeyRegistrar, IProtocolRegistry, IStrategyManager,
        LegacyAVS, OperatorSet, OperatorSetAVS, RegisterParams,
    },
    dev_signer, params,
};

type R = Result<(), Box<dyn std::error::Error>>;

async fn net() -> Result<(Devnet, Fork), Error> {
    let devnet = Devnet::start().await?;
    let fork = Fork::of_devnet(&devnet).await?;
    Ok((devnet, fork))
}

/// Registers dev account `index` as an operator on `fork` and returns its address.
async fn register_operator(fork: &Fork, index: u32) -> Result<Address, Box<dyn std::error::Error>> {
    let signer = dev_signer(index);
    let operator = signer.address();
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, fork.provider_with(signer));
    let receipt = dm
        .registerAsOperator(Address::ZERO, 0, "https://op.example/meta.json".into())
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    Ok(operator)
}

#[tokio::test]
async fn eoa_registers_as_operator() -> R {
    let (_devnet, fork) = net().await?;
    let signer = dev_signer(1);
    let operator = signer.address();
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, fork.provider_with(signer));
    assert!(!dm.isOperator(operator).call().await?);

    let approver = Address::repeat_byte(0xAB);
    let receipt =
        dm.registerAsOperator(approver, 0, "https://op.example/meta.json".into()).send().await?.get_receipt().await?;
    assert!(receipt.status());
    let registered =
        receipt.decoded_log::<IDelegationManager::OperatorRegistered>().ok_or("no OperatorRegistered event")?;
    assert_eq!(registered.operator, operator);
    assert_eq!(registered.delegationApprover, approver);
    let uri = receipt.decoded_log::<IDelegationManager::OperatorMetadataURIUpdated>().ok_or("no metadata event")?;
    assert_eq!(uri.metadataURI, "https://op.example/meta.json");
    assert!(dm.isOperator(operator).call().await?);
    assert_eq!(dm.delegationApprover(operator).call().await?, approver);
    Ok(())
}

#[tokio::test]
async fn operator_set_avs_created_its_sets() -> R {
    let (_devnet, fork) = net().await?;
    let avs = fork.addresses.extra(OPERATOR_SET_AVS)?;
    let strategy = fork.addresses.extra(STAKE_STRATEGY)?;
    let am = IAllocationManager::new(fork.addresses.allocation_manager, fork.provider());
    for id in 0..=4 {
        let set = OperatorSet { avs, id };
        assert!(am.isOperatorSet(set.clone()).call().await?, "set {id} missing");
        assert_eq!(am.getStrategiesInOperatorSet(set).call().await?, vec![strategy], "set {id}");
    }
    assert!(!am.isOperatorSet(OperatorSet { avs, id: 5 }).call().await?);
    // Set 2 redistributes to its recipient and has its own slasher; the others burn and are slashed by the AVS.
    let redistributing = OperatorSet { avs, id: 2 };
    assert!(am.isRedistributingOperatorSet(redistributing.clone()).call().await?);
    assert_eq!(
        am.getRedistributionRecipient(redistributing.clone()).call().await?,
        dev_signer(REDISTRIBUTION_RECIPIENT_INDEX).address()
    );
    assert_eq!(am.getSlasher(redistributing).call().await?, dev_signer(SLASHER_INDEX).address());
    let plain = OperatorSet { avs, id: 0 };
    assert!(!am.isRedistributingOperatorSet(plain.clone()).call().await?);
    assert_eq!(am.getSlasher(plain).call().await?, avs);
    // Sets 3 and 4 take AVS keys in the KeyRegistrar: ECDSA (1) and BN254 (2).
    let kr = IKeyRegistrar::new(fork.addresses.key_registrar.ok_or("no KeyRegistrar")?, fork.provider());
    assert_eq!(kr.getOperatorSetCurveType(OperatorSet { avs, id: 3 }).call().await?, 1);
    assert_eq!(kr.getOperatorSetCurveType(OperatorSet { avs, id: 4 }).call().await?, 2);
    assert_eq!(kr.getOperatorSetCurveType(OperatorSet { avs, id: 0 }).call().await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_staker_holds_shares_that_follow_its_delegation() -> R {
    let (_devnet, fork) = net().await?;
    let strategy = fork.addresses.extra(STAKE_STRATEGY)?;
    let staker = dev_signer(STAKER_INDEX);
    let sm = IStrategyManager::new(fork.addresses.strategy_manager, fork.provider());
    let shares = sm.stakerDepositShares(staker.address(), strategy).call().await?;
    assert_eq!(shares, U256::from(params::STAKE));
    let operator = register_operator(&fork, 2).await?;
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, fork.provider_with(staker.clone()));
    let sig = opwallet_devnet::contracts::SignatureWithExpiry { signature: Bytes::new(), expiry: U256::ZERO };
    assert!(dm.delegateTo(operator, sig, B256::ZERO).send().await?.get_receipt().await?.status());
    assert_eq!(dm.operatorShares(operator, strategy).call().await?, shares);
    Ok(())
}

#[tokio::test]
async fn operator_registers_for_operator_sets_and_the_registrar_sees_the_data() -> R {
    let (_devnet, fork) = net().await?;
    let operator = register_operator(&fork, 2).await?;
    let avs = fork.addresses.extra(OPERATOR_SET_AVS)?;
    let am = IAllocationManager::new(fork.addresses.allocation_manager, fork.provider_with(dev_signer(2)));
    let data = Bytes::from_static(b"\x01opwallet-socket:127.0.0.1:9000");
    let params = RegisterParams { avs, operatorSetIds: vec![1], data: data.clone() };
    let receipt = am.registerForOperatorSets(operator, params).send().await?.get_receipt().await?;
    assert!(receipt.status());

    assert!(am.isMemberOfOperatorSet(operator, OperatorSet { avs, id: 1 }).call().await?);
    assert!(!am.isMemberOfOperatorSet(operator, OperatorSet { avs, id: 0 }).call().await?);
    let sets = am.getRegisteredSets(operator).call().await?;
    assert_eq!(sets.len(), 1);
    assert_eq!((sets[0].avs, sets[0].id), (avs, 1));
    let registrar = OperatorSetAVS::new(avs, fork.provider());
    assert_eq!(registrar.recordedData(operator).call().await?, data);
    assert_eq!(registrar.registrations(operator).call().await?, U256::from(1));
    Ok(())
}

/// The Rust BLS key code against eigenlayer-middleware's own BLSApkRegistry: the registry's pairing check accepts
/// the key's registration signature and G1/G2 keys, stores them, and refuses a signature by another key.
#[tokio::test]
async fn bls_avs_registers_a_bls_key_checked_by_the_middlewares_registry() -> R {
    use opwallet_core::bls::{BlsKey, registration_data};
    use opwallet_devnet::{
        BLS_APK_REGISTRY, BLS_AVS,
        contracts::{BLSAVS, IBLSApkRegistry, IBLSRegistryCoordinator},
    };
    let (_devnet, fork) = net().await?;
    let avs = fork.addresses.extra(BLS_AVS)?;
    let registry = fork.addresses.extra(BLS_APK_REGISTRY)?;
    let coordinator = IBLSRegistryCoordinator::new(avs, fork.provider());
    assert_eq!(coordinator.blsApkRegistry().call().await?, registry);
    let am = IAllocationManager::new(fork.addresses.allocation_manager, fork.provider());
    assert_eq!(am.getAVSRegistrar(avs).call().await?, avs);

    let operator = register_operator(&fork, 2).await?;
    let message = coordinator.pubkeyRegistrationMessageHash(operator).call().await?;
    let key = BlsKey::generate();
    let am = IAllocationManager::new(fork.addresses.allocation_manager, fork.provider_with(dev_signer(2)));

    // A registration signed by another key: the registry's pairing check refuses it.
    let mut forged = key.registration_params(&message)?;
    forged.pubkeyRegistrationSignature = BlsKey::generate().sign_point(&message)?;
    let params = RegisterParams { avs, operatorSetIds: vec![0], data: registration_data("x", forged).into() };
    let err = am.registerForOperatorSets(operator, params).call().await.err().ok_or("a forged key must revert")?;
    assert!(
        err.as_revert_data().is_some_and(|d| d
            .starts_with(&<IBLSApkRegistry::InvalidBLSSignatureOrPrivateKey as alloy::sol_types::SolError>::SELECTOR)),
        "{err}"
    );

    let data = registration_data("opwallet:9000", key.registration_params(&message)?);
    let params = RegisterParams { avs, operatorSetIds: vec![0], data: data.into() };
    assert!(am.registerForOperatorSets(operator, params).send().await?.get_receipt().await?.status());
    let apk = IBLSApkRegistry::new(registry, fork.provider());
    let stored = apk.getRegisteredPubkey(operator).call().await?;
    assert_eq!(stored._0, key.public_g1());
    assert_eq!(stored._1, key.operator_id());
    assert_eq!(apk.getOperatorPubkeyG2(operator).call().await?, key.public_g2());
    let fixture = BLSAVS::new(avs, fork.provider());
    assert_eq!(fixture.socket(operator).call().await?, "opwallet:9000");
    assert_eq!(fixture.operatorId(operator).call().await?, key.operator_id());
    Ok(())
}

#[tokio::test]
async fn registering_for_a_set_requires_being_an_operator() -> R {
    let (_devnet, fork) = net().await?;
    let stranger = dev_signer(3);
    let avs = fork.addresses.extra(OPERATOR_SET_AVS)?;
    let am = IAllocationManager::new(fork.addresses.allocation_manager, fork.provider_with(stranger.clone()));
    let params = RegisterParams { avs, operatorSetIds: vec![0], data: Bytes::new() };
    let err = am.registerForOperatorSets(stranger.address(), params).call().await.err().ok_or("must revert")?;
    assert!(err.to_string().contains("revert"), "{err}");
    Ok(())
}

#[tokio::test]
async fn legacy_avs_registers_an_operator_with_its_eoa_signature() -> R {
    let (_devnet, fork) = net().await?;
    let operator_key = dev_signer(4);
    let operator = register_operator(&fork, 4).await?;
    let avs = fork.addresses.extra(LEGACY_AVS)?;
    let directory = IAVSDirectory::new(fork.addresses.avs_directory, fork.provider());
    let salt = B256::repeat_byte(0x5A);
    let expiry = U256::from(u64::MAX);
    let digest = directory.calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry).call().await?;
    let signature = operator_key.sign_hash_sync(&digest)?;

    let legacy = LegacyAVS::new(avs, fork.provider_with(dev_signer(5)));
    let receipt = legacy
        .registerOperator(operator, Bytes::from(signature.as_bytes().to_vec()), salt, expiry)
        .send()
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    let event =
        receipt.decoded_log::<IAVSDirectory::OperatorAVSRegistrationStatusUpdated>().ok_or("no status event")?;
    assert_eq!((event.operator, event.avs, event.status), (operator, avs, 1));
    assert_eq!(directory.avsOperatorStatus(avs, operator).call().await?, 1);
    assert!(directory.operatorSaltIsSpent(operator, salt).call().await?);

    // The same signature cannot be replayed (salt spent).
    let replay =
        legacy.registerOperator(operator, Bytes::from(signature.as_bytes().to_vec()), salt, expiry).call().await;
    assert!(replay.is_err());
    Ok(())
}

#[tokio::test]
async fn legacy_avs_refuses_a_signature_by_another_key() -> R {
    let (_devnet, fork) = net().await?;
    let operator = register_operator(&fork, 6).await?;
    let avs = fork.addresses.extra(LEGACY_AVS)?;
    let directory = IAVSDirectory::new(fork.addresses.avs_directory, fork.provider());
    let (salt, expiry) = (B256::repeat_byte(1), U256::from(u64::MAX));
    let digest = directory.calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry).call().await?;
    let wrong = dev_signer(7).sign_hash_sync(&digest)?;
    let legacy = LegacyAVS::new(avs, fork.provider_with(dev_signer(5)));
    assert!(
        legacy.registerOperator(operator, Bytes::from(wrong.as_bytes().to_vec()), salt, expiry).call().await.is_err()
    );
    assert_eq!(directory.avsOperatorStatus(avs, operator).call().await?, 0);
    Ok(())
}

#[tokio::test]
async fn two_forks_of_one_devnet_are_independent() -> R {
    let devnet = Devnet::start().await?;
    let a = Fork::of_devnet(&devnet).await?;
    let b = Fork::of_devnet(&devnet).await?;
    let operator = register_operator(&a, 1).await?;
    let on = |f: &Fork| IDelegationManager::new(f.addresses.delegation_manager, f.provider());
    assert!(on(&a).isOperator(operator).call().await?);
    assert!(!on(&b).isOperator(operator).call().await?);
    let parent = IDelegationManager::new(devnet.addresses.delegation_manager, devnet.provider());
    assert!(!parent.isOperator(operator).call().await?);
    Ok(())
}

#[tokio::test]
async fn a_fork_reverts_cleanly_to_a_snapshot() -> R {
    let (_devnet, fork) = net().await?;
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, fork.provider());
    let block = fork.provider().get_block_number().await?;
    let snapshot = fork.snapshot().await?;
    let operator = register_operator(&fork, 1).await?;
    assert!(dm.isOperator(operator).call().await?);
    assert!(fork.revert(snapshot).await?);
    assert!(!dm.isOperator(operator).call().await?);
    assert_eq!(fork.provider().get_block_number().await?, block);
    Ok(())
}

#[tokio::test]
async fn impersonation_sends_as_any_account() -> R {
    let (_devnet, fork) = net().await?;
    let someone = Address::repeat_byte(0x42);
    let provider = fork.impersonate(someone).await?;
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, provider);
    let receipt =
        dm.registerAsOperator(Address::ZERO, 0, String::new()).from(someone).send().await?.get_receipt().await?;
    assert!(receipt.status());
    assert!(dm.isOperator(someone).call().await?);
    Ok(())
}

#[tokio::test]
async fn release_probe_reports_1_13_0_with_redistribution() -> R {
    let (_devnet, fork) = net().await?;
    assert_eq!(fork.release.version, "1.13.0");
    assert!(fork.release.redistribution && fork.release.slasher_getters);
    assert_eq!(fork.release.describe(), "EigenLayer 1.13.0: redistributable operator sets exist");
    let registry = fork.addresses.protocol_registry.ok_or("no ProtocolRegistry")?;
    assert_eq!(IProtocolRegistry::new(registry, fork.provider()).version().call().await?, "1.13.0");
    Ok(())
}

#[tokio::test]
async fn cached_state_equals_a_fresh_deployment() -> R {
    let cache = std::env::temp_dir().join(format!("opwallet-devnet-test-{}", std::process::id()));
    let options = DevnetOptions { cache_dir: Some(cache.clone()), ..Default::default() };
    let fresh = Devnet::start_with(options.clone()).await?;
    assert_eq!(fresh.source, StateSource::Deployed);
    let cached = Devnet::start_with(options).await?;
    assert_eq!(cached.source, StateSource::Cached);
    assert_eq!(cached.addresses, fresh.addresses, "addresses must be deterministic");
    let (p1, p2) = (fresh.provider(), cached.provider());
    let book = serde_json::to_value(&fresh.addresses)?;
    // Roles are dev accounts (no code); every contract has code.
    let roles = ["RewardsUpdater", "Staker", "RedistributionRecipient", "Slasher"];
    for (name, value) in book.as_object().ok_or("book is an object")? {
        let Some(Ok(address)) = value.as_str().map(str::parse::<Address>) else { continue };
        if roles.contains(&name.as_str()) {
            continue;
        }
        let (c1, c2) = (p1.get_code_at(address).await?, p2.get_code_at(address).await?);
        assert!(!c1.is_empty(), "{name} has no code");
        assert_eq!(c1, c2, "{name} differs between fresh and cached state");
    }
    std::fs::remove_dir_all(cache)?;
    Ok(())
}

#[tokio::test]
async fn devnet_addresses_are_deterministic() -> R {
    let devnet = Devnet::start_with(DevnetOptions { use_cache: false, ..Default::default() }).await?;
    // Dev account 0, nonce 0: the first contract (the pauser stand-in) always lands here.
    assert_eq!(devnet.addresses.extra("PauserRegistry")?, dev_signer(0).address().create(0));
    assert_eq!(devnet.addresses.chain_id, 31337);
    assert_eq!(devnet.addresses.release, "1.13.0");
    Ok(())
}

#[tokio::test]
async fn a_mainnet_shaped_devnet_has_mainnets_chain_id_and_addresses() -> R {
    let options = DevnetOptions { like: Some("mainnet".into()), ..Default::default() };
    let devnet = Devnet::start_with(options).await?;
    let mainnet = opwallet_devnet::AddressBook::network("mainnet")?;
    assert_eq!(devnet.provider().get_chain_id().await?, 1);
    assert_eq!(devnet.addresses.chain_id, 1);
    for (name, address) in mainnet.names() {
        assert_eq!(
            devnet.addresses.names().into_iter().find(|(n, _)| *n == name).map(|(_, a)| a),
            Some(address),
            "{name}"
        );
        assert!(!devnet.provider().get_code_at(address).await?.is_empty(), "{name} has no code at {address}");
    }
    // The contracts behind those addresses are initialised and point at each other there.
    let dm = IDelegationManager::new(mainnet.delegation_manager, devnet.provider());
    assert_eq!(dm.version().call().await?, "1.13.0");
    let registry = IProtocolRegistry::new(mainnet.protocol_registry.ok_or("registry")?, devnet.provider());
    assert_eq!(registry.version().call().await?, "1.13.0");
    let fork = Fork::of_devnet(&devnet).await?;
    assert_eq!(fork.release.version, "1.13.0");
    Ok(())
}

/// Ignored unless asked for: without `OPWALLET_FORK_URL` there is nothing to fork, and a test that returns early
/// would be counted as passed. `tools/run-tests` runs it (`--run-ignored all`) when the variable is set, and
/// names it among the skipped tests otherwise; run by hand without the variable, it fails.
#[tokio::test]
#[ignore = "needs OPWALLET_FORK_URL (a mainnet, Sepolia or Hoodi RPC)"]
async fn live_network_fork_when_configured() -> R {
    let fork = Fork::of_live_network().await?.ok_or("OPWALLET_FORK_URL is unset: there is no live network to fork")?;
    let dm = IDelegationManager::new(fork.addresses.delegation_manager, fork.provider());
    assert!(!fork.provider().get_code_at(fork.addresses.delegation_manager).await?.is_empty());
    assert!(!dm.version().call().await?.is_empty());
    eprintln!("{}", fork.release.describe());
    Ok(())
}

#[tokio::test]
async fn live_network_mode_fails_fast_on_an_unreachable_url() -> R {
    // A loopback port nobody listens on: connection refused, reported as an error that names the variable.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let err = Fork::of_live_network_at(&format!("http://127.0.0.1:{port}")).await.err().ok_or("must fail")?;
    assert!(err.to_string().contains("OPWALLET_FORK_URL=http://127.0.0.1:"), "{err}");
    Ok(())
}

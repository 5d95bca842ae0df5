//! `Proposal::verify` (and `Proposal::parse`, which runs it) must notice an edit to any field that is hashed into
//! what signers sign, with no chain: each field is changed alone, in the struct and in the file's JSON.

use alloy::primitives::{Address, B256, U256};
use opwallet_core::{
    Error,
    proposal::{Body, EigenDomain, Preimage, Proposal, ProposedCall},
};

fn a(n: u8) -> Address {
    Address::repeat_byte(n)
}

fn execute() -> Proposal {
    Proposal::execute(
        17_000,
        a(0xaa),
        4,
        9,
        2_000_000_000,
        150_000,
        vec![
            ProposedCall {
                target: a(1),
                value: U256::from(5),
                data: vec![0xde, 0xad].into(),
                function: None,
                preimage: None,
            },
            ProposedCall::new(a(2), vec![0x01]),
        ],
    )
}

fn domain() -> EigenDomain {
    EigenDomain { name: "EigenLayer".into(), version: "v1.13.0".into(), chain_id: 17_000, verifying_contract: a(3) }
}

fn registration() -> Proposal {
    let preimage = Preimage::AvsRegistration {
        domain: domain(),
        operator: a(0xaa),
        avs: a(4),
        salt: B256::repeat_byte(5),
        expiry: U256::from(2_000_000_000u64),
    };
    Proposal::message(17_000, a(0xaa), 4, preimage.digest().expect("digest"), preimage).expect("message")
}

fn approval() -> Proposal {
    let preimage = Preimage::DelegationApproval {
        domain: EigenDomain { name: "EigenLayer".into(), ..domain() },
        staker: a(6),
        operator: a(7),
        approver: a(0xaa),
        salt: B256::repeat_byte(8),
        expiry: U256::from(1_900_000_000u64),
    };
    Proposal::message(17_000, a(0xaa), 4, preimage.digest().expect("digest"), preimage).expect("message")
}

/// `edit` applied to a good proposal must make `verify` report tampering.
fn refused(name: &str, base: fn() -> Proposal, edit: impl FnOnce(&mut Proposal)) {
    let mut p = base();
    p.verify().expect("the untouched proposal verifies");
    edit(&mut p);
    match p.verify() {
        Err(Error::Tampered(_)) => {}
        other => panic!("{name}: expected tampering to be found, got {other:?}"),
    }
}

fn flip(b: B256) -> B256 {
    let mut b = b;
    b.0[31] ^= 1;
    b
}

#[test]
fn every_hashed_field_of_an_execute_proposal_is_covered() {
    refused("chainId", execute, |p| p.chain_id += 1);
    refused("wallet", execute, |p| p.wallet = a(0xab));
    refused("epoch", execute, |p| p.epoch += 1);
    let body = |f: fn(&mut u64, &mut u64, &mut Vec<ProposedCall>)| {
        move |p: &mut Proposal| {
            let Body::Execute { nonce, deadline, calls, .. } = &mut p.body else { panic!("execute") };
            f(nonce, deadline, calls);
        }
    };
    refused("minGas", execute, |p| {
        let Body::Execute { min_gas, .. } = &mut p.body else { panic!("execute") };
        *min_gas -= 1;
    });
    refused("nonce", execute, body(|n, _, _| *n += 1));
    refused("deadline", execute, body(|_, d, _| *d += 1));
    refused("call target", execute, body(|_, _, c| c[1].target = a(9)));
    refused("call value", execute, body(|_, _, c| c[0].value += U256::from(1)));
    refused("call data", execute, body(|_, _, c| c[0].data = vec![0xde, 0xae].into()));
    refused("call dropped", execute, body(|_, _, c| drop(c.pop())));
    refused("calls reordered", execute, body(|_, _, c| c.swap(0, 1)));
    refused("domainHash", execute, |p| p.hashes.domain_hash = flip(p.hashes.domain_hash));
    refused("structHash", execute, |p| p.hashes.struct_hash = flip(p.hashes.struct_hash));
    refused("digest", execute, |p| p.hashes.digest = flip(p.hashes.digest));
    refused("typedData", execute, |p| p.typed_data = registration().typed_data);
}

#[test]
fn every_hashed_field_of_a_message_proposal_is_covered() {
    for base in [registration as fn() -> Proposal, approval] {
        refused("chainId", base, |p| p.chain_id += 1);
        refused("wallet", base, |p| p.wallet = a(0xab));
        refused("epoch", base, |p| p.epoch += 1);
        refused("hash", base, |p| {
            let Body::Message { hash, .. } = &mut p.body else { panic!("message") };
            *hash = flip(*hash);
        });
        refused("digest", base, |p| p.hashes.digest = flip(p.hashes.digest));
        refused("typedData", base, |p| p.typed_data = execute().typed_data);
    }
    // Each preimage field: the hash no longer is its digest.
    for base in [registration as fn() -> Proposal, approval] {
        refused("domain name", base, |p| in_domain(p, |d| d.name.push('x')));
        refused("domain version", base, |p| in_domain(p, |d| d.version.push('x')));
        refused("domain chainId", base, |p| in_domain(p, |d| d.chain_id += 1));
        refused("domain contract", base, |p| in_domain(p, |d| d.verifying_contract = a(0x33)));
    }
    let registration_field = |f: fn(&mut Address, &mut Address, &mut B256, &mut U256)| {
        move |p: &mut Proposal| {
            in_preimage(p, |pre| {
                let Preimage::AvsRegistration { operator, avs, salt, expiry, .. } = pre else { panic!("registration") };
                f(operator, avs, salt, expiry);
            });
        }
    };
    refused("operator", registration, registration_field(|o, _, _, _| *o = a(0x77)));
    refused("avs", registration, registration_field(|_, avs, _, _| *avs = a(0x44)));
    refused("salt", registration, registration_field(|_, _, s, _| *s = flip(*s)));
    refused("expiry", registration, registration_field(|_, _, _, e| *e += U256::from(1)));
    let approval_field = |f: fn(&mut Address, &mut Address, &mut Address, &mut B256, &mut U256)| {
        move |p: &mut Proposal| {
            in_preimage(p, |pre| {
                let Preimage::DelegationApproval { staker, operator, approver, salt, expiry, .. } = pre else {
                    panic!("approval")
                };
                f(staker, operator, approver, salt, expiry);
            });
        }
    };
    refused("staker", approval, approval_field(|s, _, _, _, _| *s = a(0x44)));
    refused("operator", approval, approval_field(|_, o, _, _, _| *o = a(0x45)));
    refused("approver", approval, approval_field(|_, _, ap, _, _| *ap = a(0x46)));
    refused("salt", approval, approval_field(|_, _, _, s, _| *s = flip(*s)));
    refused("expiry", approval, approval_field(|_, _, _, _, e| *e += U256::from(1)));
}

fn in_preimage(p: &mut Proposal, f: impl FnOnce(&mut Preimage)) {
    let Body::Message { preimage, .. } = &mut p.body else { panic!("message") };
    f(preimage);
}

fn in_domain(p: &mut Proposal, f: impl FnOnce(&mut EigenDomain)) {
    in_preimage(p, |pre| match pre {
        Preimage::AvsRegistration { domain, .. } | Preimage::DelegationApproval { domain, .. } => f(domain),
        Preimage::Unverified => panic!("verified"),
    });
}

/// Every leaf of the file's JSON but the unhashed ones (`note`, `signatures`), changed alone, makes `parse` fail;
/// the note, which is never hashed, can change without that.
#[test]
fn every_leaf_of_the_file_but_the_note_is_checked() {
    for base in [execute as fn() -> Proposal, registration, approval] {
        let file = serde_json::to_value(base().with_note(Some("hi".into())).expect("note")).expect("json");
        Proposal::parse(&file.to_string()).expect("the untouched file parses");
        let mut leaves = Vec::new();
        collect(&file, String::new(), &mut leaves);
        let mut checked = 0;
        for path in leaves.iter().filter(|p| !p.starts_with("/note") && !p.starts_with("/signatures")) {
            let mut edited = file.clone();
            change(edited.pointer_mut(path).expect("leaf"));
            assert!(Proposal::parse(&edited.to_string()).is_err(), "{path} was changed and the file still parses");
            checked += 1;
        }
        assert!(checked >= 20, "{checked} leaves");
        let mut renoted = file.clone();
        renoted["note"] = "another note".into();
        Proposal::parse(&renoted.to_string()).expect("the note is not hashed");
    }
}

fn collect(v: &serde_json::Value, path: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| collect(v, format!("{path}/{k}"), out)),
        serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| collect(v, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}

/// Another value of the same JSON type: hex with its last digit changed, other text extended, numbers plus one.
fn change(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.starts_with("0x") && s.len() > 2 => {
            let last = s.pop().expect("digit");
            s.push(if last == '0' { '1' } else { '0' });
        }
        serde_json::Value::String(s) => s.push('x'),
        serde_json::Value::Number(n) => *v = (n.as_u64().expect("u64") + 1).into(),
        serde_json::Value::Bool(b) => *b = !*b,
        other => *other = "x".into(),
    }
}

/// A preimage that hashes to its hash but under another chain's EigenLayer domain, or a domain not named
/// EigenLayer's, is refused: the screen would otherwise name an AVS registration that means nothing here.
#[test]
fn a_preimage_under_another_chains_or_names_domain_is_refused_even_when_it_hashes() {
    for (what, d) in [
        ("another chain", EigenDomain { chain_id: 1, ..domain() }),
        ("another name", EigenDomain { name: "NotEigenLayer".into(), ..domain() }),
    ] {
        let preimage = Preimage::AvsRegistration {
            domain: d,
            operator: a(0xaa),
            avs: a(4),
            salt: B256::repeat_byte(5),
            expiry: U256::from(2_000_000_000u64),
        };
        let hash = preimage.digest().expect("digest");
        let verified = Proposal::message(17_000, a(0xaa), 4, hash, preimage).and_then(|p| p.verify());
        assert!(matches!(verified, Err(Error::Tampered(_))), "{what}: {verified:?}");
    }
}

//! BLS keys for AVSs built on EigenLayer's middleware (BN254, the EVM's alt_bn128). An operator registers such a
//! key once per registry coordinator, when it first joins one of the AVS's operator sets: the coordinator hashes
//! the operator's address to a G1 point (`pubkeyRegistrationMessageHash`), the key signs that point, and the
//! coordinator's `BLSApkRegistry` checks the signature and that the G1 and G2 public keys share one secret.
//!
//! Curve arithmetic is arkworks' (`ark-bn254`); nothing here is hand-rolled beyond mapping coordinates to the
//! ABI's integers. Keys are generated from the operating system's randomness and kept in the keystore layout
//! EigenLayer's tooling uses for BLS keys (`{"pubKey": "E([x,y])", "crypto": <Web3 v3 crypto section>}`), the
//! secret encrypted by `eth-keystore` (scrypt, AES-128-CTR), the library alloy's keystores use.

use std::path::{Path, PathBuf};

use alloy::{
    primitives::{B256, U256, keccak256},
    sol_types::SolValue,
};
use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, Field, PrimeField, UniformRand};
use opwallet_bindings::eigenlayer::{BN254, BlsRegistrationData, PubkeyRegistrationParams};
use zeroize::Zeroizing;

use crate::{
    BoxError, Error,
    secrets::SecretSource,
    signer::local::{keystore_error, private_copy, private_dir, write_private},
};

/// A BN254 secret key. The scalar is wiped when the key is dropped.
pub struct BlsKey {
    secret: Fr,
}

impl std::fmt::Debug for BlsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlsKey").field("public", &self.public_g1()).finish_non_exhaustive()
    }
}

impl Drop for BlsKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

impl BlsKey {
    /// A fresh key from the operating system's randomness.
    pub fn generate() -> Self {
        loop {
            let secret = Fr::rand(&mut rand::rngs::OsRng);
            if secret != Fr::from(0u64) {
                return Self { secret };
            }
        }
    }

    /// The key from its 32-byte big-endian scalar (as stored in keystores); refuses 0 and values ≥ the group order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bad = || Error::NotABlsKey;
        if bytes.len() != 32 {
            return Err(bad());
        }
        let secret = Fr::from_bigint(bigint(U256::from_be_slice(bytes))).ok_or_else(bad)?;
        if secret == Fr::from(0u64) {
            return Err(bad());
        }
        Ok(Self { secret })
    }

    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.secret.into_bigint().to_bytes_be())
    }

    /// The G1 public key, `secret · G1`: the key the KeyRegistrar and the operator id are of.
    pub fn public_g1(&self) -> BN254::G1Point {
        g1_point(&(G1Affine::generator() * self.secret).into_affine())
    }

    /// The G2 public key, `secret · G2`, in EigenLayer's coordinate order (imaginary part first).
    pub fn public_g2(&self) -> BN254::G2Point {
        let p = (G2Affine::generator() * self.secret).into_affine();
        BN254::G2Point { X: [fq(&p.x.c1), fq(&p.x.c0)], Y: [fq(&p.y.c1), fq(&p.y.c0)] }
    }

    /// The operator id the middleware derives from this key: `keccak256(abi.encodePacked(X, Y))` of the G1 key.
    pub fn operator_id(&self) -> B256 {
        let g1 = self.public_g1();
        keccak256((g1.X, g1.Y).abi_encode_packed())
    }

    /// Signs a message that is already a G1 point (a coordinator's `pubkeyRegistrationMessageHash`): `secret · H`.
    pub fn sign_point(&self, message: &BN254::G1Point) -> Result<BN254::G1Point, Error> {
        let h = g1_affine(message)?;
        Ok(g1_point(&(h * self.secret).into_affine()))
    }

    /// What the registry coordinator needs to register this key for `message` (its hash of the operator).
    pub fn registration_params(&self, message: &BN254::G1Point) -> Result<PubkeyRegistrationParams, Error> {
        Ok(PubkeyRegistrationParams {
            pubkeyRegistrationSignature: self.sign_point(message)?,
            pubkeyG1: self.public_g1(),
            pubkeyG2: self.public_g2(),
        })
    }
}

/// The operator-set registration `data` a middleware registry coordinator expects: `abi.encode(NORMAL, socket,
/// params)` (`SlashingRegistryCoordinator.registerOperator`).
pub fn registration_data(socket: &str, params: PubkeyRegistrationParams) -> Vec<u8> {
    BlsRegistrationData { registrationType: 0, socket: socket.to_owned(), params }.abi_encode_params()
}

fn bigint(v: U256) -> ark_ff::BigInt<4> {
    ark_ff::BigInt::new(v.into_limbs())
}

fn fq(x: &Fq) -> U256 {
    U256::from_limbs(x.into_bigint().0)
}

fn g1_point(p: &G1Affine) -> BN254::G1Point {
    match p.xy() {
        Some((x, y)) => BN254::G1Point { X: fq(&x), Y: fq(&y) },
        None => BN254::G1Point { X: U256::ZERO, Y: U256::ZERO },
    }
}

/// A G1 point from the chain, checked to be on the curve (G1's cofactor is 1, so that is also the subgroup).
fn g1_affine(p: &BN254::G1Point) -> Result<G1Affine, Error> {
    let coordinate = |v: U256| Fq::from_bigint(bigint(v));
    let bad = || Error::Chain(format!("({}, {}) is not a point of BN254's G1", p.X, p.Y));
    let point = G1Affine::new_unchecked(coordinate(p.X).ok_or_else(bad)?, coordinate(p.Y).ok_or_else(bad)?);
    if point.is_zero() || !point.is_on_curve() {
        return Err(bad());
    }
    Ok(point)
}

/// EigenLayer's `BN254.hashToG1` (middleware `src/libraries/BN254.sol`, the same in core's KeyRegistrar): try and
/// increment from `x = h mod p` until `x³ + 3` is a square, whose root is taken as `β^((p+1)/4)` exactly as the
/// contract's modexp does (no sign normalisation).
pub fn hash_to_g1(h: B256) -> BN254::G1Point {
    // (p + 1) / 4: p ≡ 3 (mod 4), so this power of a square is one of its roots, the one the contract takes.
    let exponent: U256 = (U256::from_limbs(Fq::MODULUS.0) + U256::from(1)) >> 2;
    let mut x = Fq::from_be_bytes_mod_order(h.as_slice());
    loop {
        let beta = x * x * x + Fq::from(3u64);
        let y = beta.pow(exponent.into_limbs());
        if y * y == beta {
            return BN254::G1Point { X: fq(&x), Y: fq(&y) };
        }
        x += Fq::from(1u64);
    }
}

alloy::sol! {
    /// The middleware registry coordinator's `PUBKEY_REGISTRATION_TYPEHASH` struct.
    struct BN254PubkeyRegistration {
        address operator;
    }
}

/// The G1 point a middleware registry coordinator at `coordinator` asks an operator's BLS key to sign
/// (`SlashingRegistryCoordinator.pubkeyRegistrationMessageHash`): `hashToG1` of the EIP-712 digest of
/// `BN254PubkeyRegistration(operator)` under the coordinator's domain (`"AVSRegistryCoordinator"`, `"v0.0.1"`,
/// chain id, the coordinator). Computed here so that a key never signs a point an RPC node chose.
pub fn coordinator_registration_point(
    chain_id: u64,
    coordinator: alloy::primitives::Address,
    operator: alloy::primitives::Address,
) -> BN254::G1Point {
    use alloy::sol_types::SolStruct;
    let domain = alloy::sol_types::eip712_domain! {
        name: "AVSRegistryCoordinator",
        version: "v0.0.1",
        chain_id: chain_id,
        verifying_contract: coordinator,
    };
    hash_to_g1(BN254PubkeyRegistration { operator }.eip712_signing_hash(&domain))
}

/// `E([x,y])`, the G1 public key as EigenLayer's BLS keystores write it (decimal coordinates).
pub fn pubkey_string(p: &BN254::G1Point) -> String {
    format!("E([{},{}])", p.X, p.Y)
}

/// Writes `key` to `dir/<name>.bls.key.json`, readable only by its owner.
pub fn write_keystore(dir: &Path, name: &str, key: &BlsKey, password: &str) -> Result<PathBuf, Error> {
    let path = dir.join(format!("{name}.bls.key.json"));
    if path.exists() {
        return Err(Error::NameTaken { path });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir { path: dir.to_owned(), source })?;
    // eth-keystore writes a Web3 v3 keystore into a directory; only its `crypto` section is kept.
    let scratch = private_dir()?;
    let encrypt = |source: BoxError| Error::Encrypt { what: "the BLS key", source };
    let id =
        eth_keystore::encrypt_key(scratch.path(), &mut rand::rngs::OsRng, key.to_bytes().as_slice(), password, None)
            .map_err(|e| encrypt(Box::new(e)))?;
    let encrypted = scratch.path().join(id);
    let text = std::fs::read_to_string(&encrypted).map_err(|source| Error::FileRead {
        path: encrypted,
        what: "the encrypted key",
        source,
    })?;
    let v3: serde_json::Value = serde_json::from_str(&text).map_err(|e| encrypt(Box::new(e)))?;
    let document = serde_json::json!({ "pubKey": pubkey_string(&key.public_g1()), "crypto": v3["crypto"] });
    write_private(&path, document.to_string().as_bytes())?;
    Ok(path)
}

/// Reads and decrypts a BLS keystore (this layout, or EigenLayer's tooling's), checking the stored public key.
pub async fn read_keystore(path: &Path, password: &SecretSource) -> Result<BlsKey, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::FileRead {
        path: path.to_owned(),
        what: "the BLS keystore",
        source,
    })?;
    let document: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let crypto = document.get("crypto").or_else(|| document.get("Crypto")).ok_or_else(|| Error::NotAKeystore {
        what: path.display().to_string(),
        expected: "a BLS keystore with a `crypto` section",
    })?;
    let secret = password.read_password().await?;
    let wrapped = serde_json::json!({ "crypto": crypto, "id": "00000000-0000-0000-0000-000000000000", "version": 3 });
    let (_scratch, v3) = private_copy(wrapped.to_string().as_bytes())?;
    let bytes = Zeroizing::new(
        eth_keystore::decrypt_key(&v3, secret.as_bytes())
            .map_err(|e| keystore_error(format!("BLS keystore {}", path.display()), e))?,
    );
    let key = BlsKey::from_bytes(&bytes)?;
    if let Some(stored) = document.get("pubKey").and_then(|v| v.as_str())
        && stored != pubkey_string(&key.public_g1())
    {
        return Err(Error::BlsPubkeyMismatch { path: path.to_owned() });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use ark_bn254::{Bn254, G1Affine, G2Affine};
    use ark_ec::{AffineRepr, pairing::Pairing};

    use super::*;

    fn g2_affine(p: &BN254::G2Point) -> G2Affine {
        let f = |v: U256| Fq::from_bigint(bigint(v)).expect("field element");
        let point = G2Affine::new(ark_bn254::Fq2::new(f(p.X[1]), f(p.X[0])), ark_bn254::Fq2::new(f(p.Y[1]), f(p.Y[0])));
        assert!(point.is_in_correct_subgroup_assuming_on_curve());
        point
    }

    #[test]
    fn g1_and_g2_keys_share_the_secret_and_signatures_verify() {
        let key = BlsKey::generate();
        let pk1 = g1_affine(&key.public_g1()).expect("on curve");
        let pk2 = g2_affine(&key.public_g2());
        // e(pk1, g2) == e(g1, pk2): the registry's proof that both keys share one secret.
        assert_eq!(Bn254::pairing(pk1, G2Affine::generator()), Bn254::pairing(G1Affine::generator(), pk2));

        let message = BlsKey::generate().public_g1();
        let sig = g1_affine(&key.sign_point(&message).expect("signs")).expect("on curve");
        let h = g1_affine(&message).expect("on curve");
        assert_eq!(Bn254::pairing(sig, G2Affine::generator()), Bn254::pairing(h, pk2));
        let other = BlsKey::generate();
        assert_ne!(Bn254::pairing(sig, G2Affine::generator()), Bn254::pairing(h, g2_affine(&other.public_g2())));
    }

    #[test]
    fn hash_to_g1_matches_the_contracts_try_and_increment() {
        use alloy::primitives::{U256, b256, keccak256};
        // 0 → x = 0 fails (3 is not a square), x = 1 gives the generator (1, 2).
        let p = super::hash_to_g1(B256::ZERO);
        assert_eq!((p.X, p.Y), (U256::from(1), U256::from(2)));
        let p = super::hash_to_g1(keccak256(b""));
        assert_eq!(
            p.X,
            U256::from_be_bytes(b256!("04410c360230a295b13d66d8d6c1a24a86fb0c0e28bafd068b78a7a8fb91af55").0)
        );
        assert_eq!(
            p.Y,
            U256::from_be_bytes(b256!("03d24e04de149099b8a34d87fffbf964f27c7ad7e56cb75eaa7874368ec572bc").0)
        );
        let p = super::hash_to_g1(B256::repeat_byte(0xff));
        assert_eq!(
            p.X,
            U256::from_be_bytes(b256!("0e0a77c19a07df2f666ea36f7879462c0a78eb28f5c70b3dd35d438dc58f0d9c").0)
        );
        assert_eq!(
            p.Y,
            U256::from_be_bytes(b256!("14be43b98e05db3bee1459f626263fc7bccd58e77b8182329f8ac7453c92c0ca").0)
        );
        assert!(super::g1_affine(&p).is_ok(), "on the curve");
    }

    #[test]
    fn points_off_the_curve_and_bad_scalars_are_refused() {
        let key = BlsKey::generate();
        let off = BN254::G1Point { X: U256::from(1), Y: U256::from(3) };
        assert!(key.sign_point(&off).is_err());
        assert!(key.sign_point(&BN254::G1Point { X: U256::ZERO, Y: U256::ZERO }).is_err());
        assert!(BlsKey::from_bytes(&[0u8; 32]).is_err());
        assert!(BlsKey::from_bytes(&[0xff; 32]).is_err(), "above the group order");
        assert!(BlsKey::from_bytes(&[1u8; 31]).is_err());
        let round = BlsKey::from_bytes(&key.to_bytes()).expect("round trip");
        assert_eq!(round.public_g1(), key.public_g1());
    }

    #[tokio::test]
    async fn keystores_round_trip_and_detect_a_swapped_public_key() {
        let dir = tempfile::tempdir().expect("dir");
        let key = BlsKey::generate();
        let path = write_keystore(dir.path(), "avs", &key, "a long password").expect("writes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("file").permissions().mode() & 0o777, 0o600);
        }
        let password = dir.path().join("pw");
        std::fs::write(&password, "a long password\n").expect("write");
        let read = read_keystore(&path, &SecretSource::File(password.clone())).await.expect("decrypts");
        assert_eq!(read.public_g1(), key.public_g1());
        assert!(write_keystore(dir.path(), "avs", &key, "x").is_err(), "never overwrites");

        let wrong = dir.path().join("wrong");
        std::fs::write(&wrong, "nope\n").expect("write");
        let e = read_keystore(&path, &SecretSource::File(wrong)).await.expect_err("wrong password");
        assert_eq!(e.to_string(), format!("wrong password for BLS keystore {}", path.display()));

        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        doc["pubKey"] = pubkey_string(&BlsKey::generate().public_g1()).into();
        let swapped = dir.path().join("swapped.json");
        std::fs::write(&swapped, doc.to_string()).expect("write");
        let e = read_keystore(&swapped, &SecretSource::File(password)).await.expect_err("swapped");
        assert!(e.to_string().contains("does not belong to its secret key"), "{e}");
    }
}

//! `opwallet-artifacts [--check]`: compiles the contracts the Rust crates embed with foundry-compilers, using the
//! same settings as foundry.toml and the pinned solc (`tools/solc`, or `$FOUNDRY_SOLC` for a native 0.8.30), and
//! writes their ABI and bytecode into the crates — or, with `--check`, fails if a committed artifact differs.

use std::{path::PathBuf, process::ExitCode, str::FromStr};

use foundry_compilers::{
    ConfigurableArtifacts, ProjectBuilder, ProjectPathsConfig,
    artifacts::{BytecodeHash, EvmVersion, Optimizer, Remapping, Settings, SettingsMetadata},
    solc::{Solc, SolcCompiler, SolcSettings},
};
use serde_json::{Value, json};

/// (source file, contract, destination directory under the repository).
const TARGETS: &[(&str, &str, &str)] = &[
    ("contracts/src/OperatorWallet.sol", "OperatorWallet", "crates/bindings/artifacts"),
    ("contracts/src/OperatorWalletFactory.sol", "OperatorWalletFactory", "crates/bindings/artifacts"),
    ("contracts/devnet/Devnet.sol", "EmptyContract", "crates/devnet/artifacts"),
    ("contracts/devnet/Devnet.sol", "DevnetToken", "crates/devnet/artifacts"),
    ("contracts/devnet/Devnet.sol", "DevnetBeaconDeposit", "crates/devnet/artifacts"),
    ("contracts/devnet/Devnet.sol", "OperatorSetAVS", "crates/devnet/artifacts"),
    ("contracts/devnet/Devnet.sol", "LegacyAVS", "crates/devnet/artifacts"),
    ("contracts/devnet/Devnet.sol", "BLSAVS", "crates/devnet/artifacts"),
    (
        "node_modules/@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol",
        "TransparentUpgradeableProxy",
        "crates/devnet/artifacts",
    ),
    ("node_modules/@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol", "ProxyAdmin", "crates/devnet/artifacts"),
    (
        "node_modules/@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol",
        "UpgradeableBeacon",
        "crates/devnet/artifacts",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

/// The settings of foundry.toml's default profile (kept in sync by the byte-for-byte check against forge below).
fn settings(root: &std::path::Path) -> Result<SolcSettings, String> {
    let remappings = [
        "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/",
        "forge-std/=node_modules/@layerzerolabs/toolbox-foundry/lib/forge-std/",
    ]
    .iter()
    .map(|r| Remapping::from_str(r).map_err(|e| e.to_string()))
    .collect::<Result<Vec<_>, _>>()?;
    let mut settings = Settings {
        remappings,
        optimizer: Optimizer { enabled: Some(true), runs: Some(10_000), details: None },
        metadata: Some(SettingsMetadata::new(BytecodeHash::None, true)),
        evm_version: Some(EvmVersion::Prague),
        via_ir: Some(true),
        ..Default::default()
    };
    settings.remappings.iter_mut().for_each(|r| r.path = root.join(&r.path).to_string_lossy().into_owned() + "/");
    Ok(SolcSettings { settings, ..Default::default() })
}

fn compile() -> Result<Vec<(PathBuf, Value)>, String> {
    let root = root();
    let solc_path = std::env::var_os("FOUNDRY_SOLC").map(PathBuf::from).unwrap_or_else(|| root.join("tools/solc"));
    let solc = Solc::new(&solc_path).map_err(|e| format!("solc at {}: {e} (run `make deps`)", solc_path.display()))?;
    let paths = ProjectPathsConfig::builder()
        .root(&root)
        .sources(root.join("contracts"))
        .libs([root.join("node_modules")])
        .build_with_root::<foundry_compilers::solc::SolcLanguage>(&root);
    let project = ProjectBuilder::<SolcCompiler, ConfigurableArtifacts>::new(ConfigurableArtifacts::default())
        .paths(paths)
        .settings(settings(&root)?)
        .ephemeral()
        .no_artifacts()
        .build(SolcCompiler::Specific(solc))
        .map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = TARGETS.iter().map(|(f, _, _)| root.join(f)).collect();
    let output = project.compile_files(files).map_err(|e| e.to_string())?;
    if output.has_compiler_errors() {
        return Err(format!("compilation failed:\n{output}"));
    }
    let mut out = Vec::new();
    for (file, name, dest) in TARGETS {
        let artifact =
            output.find(&root.join(file), name).ok_or_else(|| format!("{name} not in the output of {file}"))?;
        let abi = serde_json::to_value(artifact.abi.as_ref().ok_or_else(|| format!("{name} has no ABI"))?)
            .map_err(|e| e.to_string())?;
        let object = |b: Option<&foundry_compilers::artifacts::BytecodeObject>| -> Result<String, String> {
            b.and_then(|o| o.as_bytes().map(|bytes| format!("0x{}", hex(bytes))))
                .ok_or_else(|| format!("{name} has unlinked or missing bytecode"))
        };
        let bytecode = object(artifact.bytecode.as_ref().map(|b| &b.object))?;
        let deployed =
            object(artifact.deployed_bytecode.as_ref().and_then(|d| d.bytecode.as_ref()).map(|b| &b.object))?;
        let mut deployed = json!({ "object": deployed });
        // Where the wallet's immutable (`factory`) sits in its runtime code: a deployed implementation differs from
        // the artifact exactly there, and `opwallet_core::wallet::check_code` compares the rest.
        if *name == "OperatorWallet"
            && let Some(refs) = artifact.deployed_bytecode.as_ref().map(|d| &d.immutable_references)
            && !refs.is_empty()
        {
            deployed["immutableReferences"] = serde_json::to_value(refs).map_err(|e| e.to_string())?;
        }
        let value = json!({ "abi": abi, "bytecode": { "object": bytecode }, "deployedBytecode": deployed });
        out.push((root.join(dest).join(format!("{name}.json")), value));
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let artifacts = match compile() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (path, value) in &artifacts {
        if check {
            let committed: Option<Value> =
                std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok());
            if committed.as_ref() != Some(value) {
                stale.push(path.display().to_string());
            }
        } else {
            let text = serde_json::to_string_pretty(value).expect("JSON values serialize") + "\n";
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "error: committed artifacts differ from a fresh compile: {} (run `make artifacts`)",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    println!("{} artifacts {}", artifacts.len(), if check { "match a fresh compile" } else { "written" });
    ExitCode::SUCCESS
}

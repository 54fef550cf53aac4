//! `portail serve`: the HTTP service and the jobs it runs by itself.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, NaiveTime};

use crate::cli::{Cli, ServeArgs};
use crate::shared::open_app_serving;

pub fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let file = crate::config::load(args.config.as_deref())?;
    let settings = ServeSettings::resolve(args, &file)?;
    let anchoring = anchoring(args, &file)?;
    let app = open_app_serving(cli)?;
    // The open checked the kept head and the last events against their hashes: a service never
    // starts appending to a log changed behind it.
    if let Some(broken) = app.store.chain_break() {
        eprintln!(
            "Le portail ne démarre pas : {}.",
            crate::broken_chain::break_text(&broken)
        );
        eprintln!("{}", crate::broken_chain::RESTORE_ADVICE);
        return Ok(ExitCode::FAILURE);
    }
    let base_url = args
        .base_url
        .clone()
        .or(file.base_url.clone())
        .unwrap_or_else(|| format!("http://{}", settings.addr))
        .trim_end_matches('/')
        .to_owned();
    prepare_demo(cli, args, &app)?;
    app::settings::set_portal_url(&app, &base_url)?;
    let year = app.today().year();
    let (provider, simulator) = payment_provider(args, &settings, &base_url, year)?;
    let transport: Arc<dyn mail::Transport> = Arc::from(crate::booking_commands::transport_with(
        &settings.mail_dir,
        file.smtp.as_ref(),
    )?);
    let from = match args.mail_from.clone().or(file.mail_from.clone()) {
        Some(from) => from,
        None => app::listing::default_sender(&app)?,
    };
    let from: mail::Mailbox = from.parse().context("expéditeur des courriels")?;
    let config = web_config(args, &file, &base_url)?;
    let mut services = web::Services::new(app, provider, config)?;
    if let Some(key) = settings.session_key.clone() {
        services = services
            .with_csrf_key(&key)
            .context("clé de session (64 caractères hexadécimaux)")?;
    }
    let services = Arc::new(services);
    let router = web::router(Arc::clone(&services), simulator);
    run(Running {
        demo: args.demo,
        addr: settings.addr,
        nightly_at: settings.nightly_at,
        base_url,
        services,
        router,
        transport,
        from,
        anchoring,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What `serve` reads from its flags, else from the configuration file, else the defaults.
struct ServeSettings {
    addr: std::net::SocketAddr,
    nightly_at: NaiveTime,
    mail_dir: std::path::PathBuf,
    payfip_numcli: Option<String>,
    payfip_endpoint: Option<String>,
    payfip_mode: payment::PayfipMode,
    session_key: Option<String>,
}

impl ServeSettings {
    fn resolve(args: &ServeArgs, file: &crate::config::FileConfig) -> anyhow::Result<Self> {
        let addr = args
            .addr
            .or(file.addr)
            .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
        let nightly_text = args
            .nightly_at
            .clone()
            .or(file.nightly_at.clone())
            .unwrap_or_else(|| "02:00".to_owned());
        let nightly_at = NaiveTime::parse_from_str(nightly_text.trim(), "%H:%M")
            .with_context(|| format!("heure des travaux de nuit « {nightly_text} » (HH:MM)"))?;
        let mail_dir = args
            .mail_dir
            .clone()
            .or(file.mail_dir.clone())
            .unwrap_or_else(|| std::path::PathBuf::from("mail"));
        let payfip_file = file.payfip.as_ref();
        let payfip_numcli = args
            .payfip_numcli
            .clone()
            .or(payfip_file.and_then(|p| p.numcli.clone()));
        let payfip_endpoint = args
            .payfip_endpoint
            .clone()
            .or(payfip_file.and_then(|p| p.endpoint.clone()));
        let payfip_mode = match args.payfip_mode {
            Some(mode) => mode,
            None => match payfip_file.and_then(|p| p.mode.as_deref()) {
                Some(text) => text.parse::<payment::PayfipMode>()?,
                None => payment::PayfipMode::T,
            },
        };
        let session_key = args
            .session_key
            .clone()
            .or(file.session.as_ref().and_then(|s| s.key.clone()));
        Ok(ServeSettings {
            addr,
            nightly_at,
            mail_dir,
            payfip_numcli,
            payfip_endpoint,
            payfip_mode,
            session_key,
        })
    }
}

/// `--demo`: refuses a database that is not the demo's; creates the demo world in an empty one
/// and prints its log-ins either way.
fn prepare_demo(cli: &Cli, args: &ServeArgs, app: &app::App) -> anyhow::Result<()> {
    let demo_world = app::demo::holds_demo_world(app)?;
    let empty = app.store.head()?.position == 0;
    if args.demo && !empty && !demo_world {
        anyhow::bail!(
            "--demo : {} n'est pas une base de démonstration (le simulateur de paiement y laisserait « payer » sans payer). Indiquez une base vide ou la base de démonstration avec --db.",
            cli.db.display()
        );
    }
    if args.demo && !empty {
        out!("Base de démonstration reprise : {}.", cli.db.display());
        for login in app::demo::DEMO_LOGINS {
            out!(
                "  {:<8} {:<22} {}",
                login.login,
                login.password,
                login.situation
            );
        }
        crate::setup_commands::print_demo_staff();
    }
    if args.demo && app.store.head()?.position == 0 {
        let report = app::demo::build(app)?;
        out!("Monde de démonstration créé dans {}.", cli.db.display());
        for login in report.logins {
            out!(
                "  {:<8} {:<22} {}",
                login.login,
                login.password,
                login.situation
            );
        }
        crate::setup_commands::print_demo_staff();
        out!("À essayer :");
        for line in &report.to_watch {
            out!("  {line}");
        }
    }
    Ok(())
}

/// The card payment provider: the simulator in demo, else PayFiP when it is configured.
type Provider = (
    Option<Arc<dyn payment::PaymentProvider>>,
    Option<payment::simulator::SimulatorState>,
);

fn payment_provider(
    args: &ServeArgs,
    settings: &ServeSettings,
    base_url: &str,
    year: i32,
) -> anyhow::Result<Provider> {
    Ok(if args.demo {
        let config =
            payment::PayfipConfig::simulator(&format!("{base_url}/simulateur-payfip"), year);
        (
            Some(Arc::new(payment::PayfipProvider::new(config)?)),
            Some(payment::simulator::SimulatorState::new()),
        )
    } else {
        match crate::money_commands::payfip(
            &settings.payfip_endpoint,
            &settings.payfip_numcli,
            settings.payfip_mode,
            year,
        )? {
            Some(provider) => (
                Some(Arc::new(provider) as Arc<dyn payment::PaymentProvider>),
                None,
            ),
            None => (None, None),
        }
    })
}

/// The web configuration for `base_url`; refuses a public http address (its cookies would
/// never come back) unless in demo.
fn web_config(
    args: &ServeArgs,
    file: &crate::config::FileConfig,
    base_url: &str,
) -> anyhow::Result<web::WebConfig> {
    let mut config = web::WebConfig::for_base_url(base_url);
    if config.secure_cookies && base_url.starts_with("http://") {
        // Cookies are Secure off loopback: a browser would never send them back over http.
        let advice = "servez le portail en https (derrière un proxy inverse) ou, pour essayer, à l'adresse http://127.0.0.1";
        if args.demo {
            eprintln!(
                "Attention : {base_url} est en http hors de cette machine ; les navigateurs n'y garderont pas la session. {advice}."
            );
        } else {
            anyhow::bail!(
                "adresse publique {base_url} en http : les cookies de session sont « Secure » et ne seraient jamais renvoyés ; {advice}"
            );
        }
    }
    config.trust_forwarded_for =
        args.trust_forwarded_for || file.trust_forwarded_for.unwrap_or(false);
    Ok(config)
}

/// What the running service needs.
struct Running {
    demo: bool,
    addr: std::net::SocketAddr,
    nightly_at: NaiveTime,
    base_url: String,
    services: web::Shared,
    router: axum::Router,
    transport: Arc<dyn mail::Transport>,
    from: mail::Mailbox,
    anchoring: Option<app::audit::Anchoring>,
}

/// Serves until Ctrl-C, with the nightly jobs, the chain watch and the mail worker beside.
fn run(running: Running) -> anyhow::Result<()> {
    let Running {
        demo,
        addr,
        nightly_at,
        base_url,
        services,
        router,
        transport,
        from,
        anchoring,
    } = running;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads())
        .build()
        .context("démarrage du moteur asynchrone")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("écoute sur {}", addr))?;
        out!("Portail Famille : {base_url} (santé : {base_url}/sante)");
        if demo {
            out!("Simulateur PayFiP (aucun paiement réel) : {base_url}/simulateur-payfip");
        }
        out!(
            "Travaux de nuit à {} (Europe/Paris) ; courriels : {}.",
            nightly_at.format("%H:%M"),
            transport.describe()
        );
        tokio::spawn(web::nightly(Arc::clone(&services), nightly_at));
        tokio::spawn(web::chain_watch(
            Arc::clone(&services),
            std::time::Duration::from_secs(300),
        ));
        if let Some(anchoring) = anchoring {
            out!(
                "Ancre du journal chaque nuit dans {}.",
                anchoring.anchors.display()
            );
            // After the nightly run, so the anchor covers what it wrote.
            let at = nightly_at + chrono::Duration::minutes(30);
            tokio::spawn(web::nightly_anchor(Arc::clone(&services), at, anchoring));
        }
        tokio::spawn(web::mail_worker(
            Arc::clone(&services),
            transport,
            from,
            std::time::Duration::from_secs(30),
        ));
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("service HTTP")
    })
}

/// The nightly anchor's settings, from flags or the `[anchor]` section; the key is read once at
/// start so a wrong path or mode fails now, not at night.
fn anchoring(
    args: &ServeArgs,
    file: &crate::config::FileConfig,
) -> anyhow::Result<Option<app::audit::Anchoring>> {
    let section = file.anchor.as_ref();
    let key = args
        .anchor_key
        .clone()
        .or(section.and_then(|s| s.key.clone()));
    let anchors = args
        .anchors
        .clone()
        .or(section.and_then(|s| s.file.clone()));
    let mail_to = args
        .anchor_mail_to
        .clone()
        .or(section.and_then(|s| s.mail_to.clone()));
    match (key, anchors) {
        (None, None) => Ok(None),
        (Some(key), Some(anchors)) => {
            if let Err(error) = store::anchor::AnchorKey::load(&key) {
                anyhow::bail!(
                    "clé d'ancrage : {}",
                    app::audit::AuditRefusal::Anchor(error)
                );
            }
            Ok(Some(app::audit::Anchoring {
                key,
                anchors,
                mail_to,
            }))
        }
        _ => anyhow::bail!(
            "ancrage du journal : indiquez à la fois la clé (--anchor-key, [anchor] key) et le fichier d'ancres (--anchors, [anchor] file)"
        ),
    }
}

/// Threads for blocking work (reads, commands waiting for their commit): eight per core. Reads
/// wait for one of the read pool's connections anyway, and each extra thread may keep its own
/// allocator arena, which a burst would leave resident (tokio's default allows 512).
fn blocking_threads() -> usize {
    std::thread::available_parallelism().map_or(16, |cores| cores.get() * 8)
}

//! `portail serve`: the HTTP service and the jobs it runs by itself.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Datelike, NaiveTime};

use crate::setup_commands::open_app;
use crate::{Cli, ServeArgs};

pub fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let nightly_at = NaiveTime::parse_from_str(args.nightly_at.trim(), "%H:%M")
        .with_context(|| format!("heure des travaux de nuit « {} » (HH:MM)", args.nightly_at))?;
    let app = open_app(cli)?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.addr))
        .trim_end_matches('/')
        .to_owned();
    if args.demo && app.store.head()?.position == 0 {
        let report = app::demo::build(&app)?;
        out!("Monde de démonstration créé dans {}.", cli.db.display());
        for login in report.logins {
            out!(
                "  {:<8} {:<22} {}",
                login.login,
                login.password,
                login.situation
            );
        }
    }
    let url = base_url.clone();
    app.execute("staff:serve", move |command| {
        command.conn().execute(
            "INSERT INTO service_settings (name, value) VALUES ('base_url', ?1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [url],
        )?;
        Ok(())
    })?;
    let year = app.today().year();
    let (provider, simulator): (Option<Arc<dyn payment::PaymentProvider>>, _) = if args.demo {
        let config =
            payment::PayfipConfig::simulator(&format!("{base_url}/simulateur-payfip"), year);
        (
            Some(Arc::new(payment::PayfipProvider::new(config)?)),
            Some(payment::simulator::SimulatorState::new()),
        )
    } else {
        match crate::money_commands::payfip(
            &args.payfip_endpoint,
            &args.payfip_numcli,
            &args.payfip_mode,
            year,
        )? {
            Some(provider) => (
                Some(Arc::new(provider) as Arc<dyn payment::PaymentProvider>),
                None,
            ),
            None => (None, None),
        }
    };
    let transport: Arc<dyn mail::Transport> =
        Arc::from(crate::booking_commands::transport(&args.mail_dir)?);
    let from = match &args.mail_from {
        Some(from) => from.clone(),
        None => app::listing::default_sender(&app)?,
    };
    let from: mail::Mailbox = from.parse().context("expéditeur des courriels")?;
    let mut config = web::WebConfig::for_base_url(&base_url);
    config.trust_forwarded_for = args.trust_forwarded_for;
    let services = Arc::new(web::Services::new(app, provider, config)?);
    let router = web::router(Arc::clone(&services), simulator);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur asynchrone")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("écoute sur {}", args.addr))?;
        out!("Portail Famille : {base_url} (santé : {base_url}/sante)");
        if args.demo {
            out!("Simulateur PayFiP (aucun paiement réel) : {base_url}/simulateur-payfip");
        }
        out!(
            "Travaux de nuit à {} (Europe/Paris) ; courriels : {}.",
            nightly_at.format("%H:%M"),
            transport.describe()
        );
        tokio::spawn(web::nightly(Arc::clone(&services), nightly_at));
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
    })?;
    Ok(ExitCode::SUCCESS)
}

//! `extapps sim`: the Identity simulator on a port, until Ctrl-C.

use std::io::Write;

use super::Failure;
use super::args::SimArgs;

pub async fn run(args: &SimArgs) -> Result<(), Failure> {
    let settings = crate::sim::SimSettings {
        port: args.port,
        extra_apps: args.apps,
        token_lifetime: std::time::Duration::from_secs(args.token_lifetime.max(1)),
        faults: args.faults.to_faults(),
        read_lag: std::time::Duration::from_millis(args.read_lag_ms),
        list_shape: args.list_shape,
        list_delivery: args.list_delivery,
        fail_detail_reads: args.fail_detail_reads.clone(),
        orgs: usize::from(args.orgs),
        ..Default::default()
    };
    let handle = crate::sim::start(settings).await.map_err(|e| {
        Failure::new(
            format!(
                "cannot start the simulator on 127.0.0.1:{}: {e}. Pick another --port, or 0 for a free one.",
                args.port
            ),
            1,
        )
    })?;
    println!(
        "extapps Identity simulator listening on {}",
        handle.base_url
    );
    println!("  organization:  {}", handle.organization);
    println!("  partition id:  {}", handle.partition_id);
    println!("  client id:     {}", handle.admin_client_id());
    println!("  client secret: {}", handle.admin_secret());
    println!(
        "  list shape:    {}",
        match args.list_shape {
            crate::sim::ListShape::Summary =>
                "summary (scopes and secrets only in each app's own read)",
            crate::sim::ListShape::Full => "full",
        }
    );
    println!(
        "  list body:     {}",
        match args.list_delivery {
            crate::sim::ListDelivery::Streamed => "streamed (sent as it is serialised)",
            crate::sim::ListDelivery::Buffered => "buffered (serialised whole, then sent)",
        }
    );
    println!();
    println!("Point extapps at it with:");
    println!(
        "  export UIPATH_URI={} UIPATH_ORGANIZATION={} UIPATH_CLIENT_ID={} UIPATH_CLIENT_SECRET={}",
        handle.base_url.as_str().trim_end_matches('/'),
        handle.organization,
        handle.admin_client_id(),
        handle.admin_secret()
    );
    for (n, (name, partition)) in (2..).zip(&handle.extra_orgs) {
        println!();
        println!("Organization {n}: {name} (partition id {partition})");
        println!(
            "  export UIPATH_URI={} UIPATH_ORGANIZATION={name} UIPATH_CLIENT_ID={} UIPATH_CLIENT_SECRET={}",
            handle.base_url.as_str().trim_end_matches('/'),
            crate::sim::extra_admin_id(n),
            crate::sim::extra_admin_secret(n)
        );
    }
    if !args.faults.to_faults().is_off() {
        println!("Injecting faults: {:?}", args.faults.to_faults());
    }
    println!("Press Ctrl-C to stop.");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    Ok(())
}

//! The list's two shapes: summaries (the simulator's default, as the live server answers) and
//! full; and the client marking whether an app's scopes and secrets are known.

use crate::common::*;
use extapps::sim::{ListDelivery, ListShape, SimHandle, SimSettings};

#[tokio::test]
async fn the_default_list_is_summaries_and_the_own_read_is_whole() {
    let h = sim().await;
    let client = admin(&h);
    let raw: serde_json::Value = serde_json::from_slice(&raw_list(&h).await.body).unwrap();
    let entries = raw.as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        assert!(e["resources"].is_null(), "{e}");
        assert!(e["secrets"].is_null(), "{e}");
        assert!(e["id"].is_string() && e["name"].is_string(), "{e}");
        assert!(e["isConfidential"].is_boolean(), "{e}");
        assert!(e.get("redirectUri").is_some(), "{e}");
    }

    let apps = client.list_apps().await.unwrap();
    assert!(apps.iter().all(|a| !a.details_known()));
    assert!(
        apps.iter()
            .all(|a| a.secrets.is_empty() && a.scope_count() == 0)
    );

    let whole = client.app_details(&apps[0].id).await.unwrap();
    assert!(whole.details_known());
    let truth = h.state().app(&apps[0].id).unwrap();
    assert_eq!(whole.secrets, truth.secrets);
    assert_eq!(whole.resources, truth.resources);
    assert!(
        h.state()
            .apps()
            .iter()
            .any(|a| !a.secrets.is_empty() && a.scope_count() > 0),
        "the demo organization has details to hide"
    );
}

#[tokio::test]
async fn the_full_list_carries_details_and_marks_them_known() {
    let h = sim_shaped(ListShape::Full).await;
    let apps = admin(&h).list_apps().await.unwrap();
    assert!(apps.iter().all(|a| a.details_known()));
    let mut truth = h.state().apps();
    for a in &mut truth {
        a.details = extapps::api::model::Details::Known;
    }
    assert_eq!(apps, truth);

    // Switched at run time, the same server answers summaries.
    h.state().set_list_shape(ListShape::Summary);
    let apps = admin(&h).list_apps().await.unwrap();
    assert!(apps.iter().all(|a| !a.details_known()));
}

#[tokio::test]
async fn chosen_detail_reads_fail_and_reads_are_counted() {
    let h = sim_with(SimSettings {
        fail_detail_reads: vec!["demo-reader".to_owned()],
        ..SimSettings::default()
    })
    .await;
    let client = admin(&h);
    assert_eq!(h.state().detail_reads(), 0);
    assert!(client.app_details("demo-reader").await.is_err());
    assert!(client.app_details("demo-admin").await.is_ok());
    let after = h.state().detail_reads();
    assert!(after >= 2, "retries of the failing read count too: {after}");
    h.state().fail_detail_reads(Vec::<String>::new());
    assert!(client.app_details("demo-reader").await.is_ok());
}

/// The list answer as it came over the wire.
struct RawList {
    body: Vec<u8>,
    /// How many chunks the body arrived in.
    pieces: usize,
    length: Option<u64>,
    content_type: String,
}

async fn raw_list(h: &SimHandle) -> RawList {
    let client = admin(h);
    let token = client.token().await.unwrap();
    let url = format!("{}/api/ExternalClient/{}", h.api_base(), h.partition_id);
    let mut resp = client
        .http()
        .get(&url)
        .bearer_auth(secrecy::ExposeSecret::expose_secret(&token.value))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let length = resp.content_length();
    let (mut body, mut pieces) = (Vec::new(), 0);
    while let Some(chunk) = resp.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
        pieces += 1;
    }
    RawList {
        body,
        pieces,
        length,
        content_type,
    }
}

#[tokio::test]
async fn the_list_reads_the_same_whether_streamed_or_sent_whole() {
    let h = sim_with(SimSettings {
        list_shape: ListShape::Full,
        extra_apps: 400,
        ..SimSettings::default()
    })
    .await;
    let mut truth = h.state().apps();
    for a in &mut truth {
        a.details = extapps::api::model::Details::Known;
    }

    // The default: written as serialised, so a large list comes in pieces with no length.
    let streamed = raw_list(&h).await;
    assert!(streamed.body.len() > 1_000_000, "{}", streamed.body.len());
    assert_eq!(streamed.length, None);
    assert!(streamed.pieces > 1, "{}", streamed.pieces);
    assert_eq!(streamed.content_type, "application/json");
    assert_eq!(admin(&h).list_apps().await.unwrap(), truth);

    h.state().set_list_delivery(ListDelivery::Buffered);
    let whole = raw_list(&h).await;
    assert_eq!(whole.length, Some(whole.body.len() as u64));
    assert_eq!(whole.content_type, "application/json");
    assert!(whole.body == streamed.body, "the same bytes either way");
    assert_eq!(admin(&h).list_apps().await.unwrap(), truth);

    // Summaries too.
    h.state().set_list_shape(ListShape::Summary);
    let summaries_whole = admin(&h).list_apps().await.unwrap();
    h.state().set_list_delivery(ListDelivery::Streamed);
    let summaries = admin(&h).list_apps().await.unwrap();
    assert_eq!(summaries, summaries_whole);
    assert_eq!(summaries.len(), truth.len());
    assert!(summaries.iter().all(|a| !a.details_known()));
}

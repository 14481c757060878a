//! Share links on the petition page, the thank-you page and in the API,
//! and attribution of the signers they bring.

use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    every_network_gets_a_link_carrying_its_source,
    the_thank_you_page_offers_the_links,
    a_signer_brought_by_a_link_is_attributed_to_its_network,
);

const NETWORKS: [&str; 11] = [
    "facebook",
    "x",
    "whatsapp",
    "telegram",
    "line",
    "linkedin",
    "reddit",
    "email",
    "kakaostory",
    "naver_band",
    "weibo",
];

fn encoded(s: &str) -> String {
    s.replace(':', "%3A")
        .replace('/', "%2F")
        .replace('?', "%3F")
        .replace('=', "%3D")
}

async fn every_network_gets_a_link_carrying_its_source(app: TestApp) {
    let slug = app.petition("꿀벌을 지켜주세요 & more").await;
    let (status, json) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(status, 200);
    let url = json["url"].as_str().unwrap().to_owned();
    let share = json["share"].as_object().unwrap();
    assert_eq!(share.len(), NETWORKS.len());
    for network in NETWORKS {
        let href = share[network].as_str().unwrap();
        let attributed = encoded(&format!("{url}?source={network}"));
        assert!(href.contains(&attributed), "{network}: {href}");
        assert!(!href.contains(' ') && !href.contains("& more"), "{href}");
    }
    assert!(share["email"]
        .as_str()
        .unwrap()
        .starts_with("mailto:?subject="));
    assert!(share["kakaostory"]
        .as_str()
        .unwrap()
        .starts_with("https://story.kakao.com/share?url="));
    assert!(share["naver_band"]
        .as_str()
        .unwrap()
        .starts_with("https://band.us/plugin/share?"));

    let page = app.get(&format!("/petitions/{slug}")).await;
    for network in NETWORKS {
        let href = page
            .attr(
                &format!(".share-links a[data-network=\"{network}\"]"),
                "href",
            )
            .unwrap_or_else(|| panic!("no {network} link on the page"));
        assert_eq!(href, share[network].as_str().unwrap());
    }
    assert_eq!(
        page.attr("#share-url", "value"),
        Some(format!("{url}?source=link"))
    );
    assert_eq!(
        page.attr("script[src^=\"/static/share.\"]", "defer")
            .as_deref(),
        Some("")
    );

    let script = app.get_response("/static/share.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.text().await.unwrap().contains("navigator.share"));
}

async fn the_thank_you_page_offers_the_links(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.sign(&slug, &signature("jane@example.com")).await;
    let link = app.confirmation_link("jane@example.com", 1).await;
    let thanks = app.confirm(&link).await;
    assert_eq!(thanks.status, 200);
    let href = thanks
        .attr(".share-links a[data-network=\"whatsapp\"]", "href")
        .expect("share links on the thank-you page");
    assert!(href.starts_with("https://wa.me/?text="), "{href}");
    assert!(href.contains(&encoded(&format!("/petitions/{slug}?source=whatsapp"))));
}

async fn a_signer_brought_by_a_link_is_attributed_to_its_network(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let page = app
        .get(&format!("/petitions/{slug}?source=naver_band"))
        .await;
    assert_eq!(
        page.attr("input[name=source]", "value").as_deref(),
        Some("naver_band")
    );
    let mut fields = signature("band@example.com");
    fields.insert("source", "naver_band".into());
    app.sign(&slug, &fields).await;
    let link = app.confirmation_link("band@example.com", 1).await;
    app.confirm(&link).await;
    assert_eq!(
        app.db.count(
            "signatures",
            "source = 'naver_band' AND state = 'confirmed'"
        ),
        1
    );
}

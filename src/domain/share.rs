//! Share links for the social networks a petition travels through,
//! Korean ones included. Each carries `?source=NETWORK` on the petition's
//! address, so the dashboard can tell which network brought each signer.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::i18n::Locale;

/// Everything but RFC 3986's unreserved characters is encoded: these values
/// go into query strings and `mailto:` bodies, where `+` and `&` mean
/// something.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a value for a query string.
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Facebook,
    X,
    WhatsApp,
    Telegram,
    Line,
    LinkedIn,
    Reddit,
    Email,
    KakaoStory,
    NaverBand,
    Weibo,
}

impl Network {
    pub const ALL: [Network; 11] = [
        Self::Facebook,
        Self::X,
        Self::WhatsApp,
        Self::Telegram,
        Self::Line,
        Self::LinkedIn,
        Self::Reddit,
        Self::Email,
        Self::KakaoStory,
        Self::NaverBand,
        Self::Weibo,
    ];

    /// The `source` value, and the key in the API's `share` object.
    pub fn key(self) -> &'static str {
        match self {
            Self::Facebook => "facebook",
            Self::X => "x",
            Self::WhatsApp => "whatsapp",
            Self::Telegram => "telegram",
            Self::Line => "line",
            Self::LinkedIn => "linkedin",
            Self::Reddit => "reddit",
            Self::Email => "email",
            Self::KakaoStory => "kakaostory",
            Self::NaverBand => "naver_band",
            Self::Weibo => "weibo",
        }
    }

    /// The network's name as people know it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Facebook => "Facebook",
            Self::X => "X",
            Self::WhatsApp => "WhatsApp",
            Self::Telegram => "Telegram",
            Self::Line => "LINE",
            Self::LinkedIn => "LinkedIn",
            Self::Reddit => "Reddit",
            Self::Email => "Email",
            Self::KakaoStory => "KakaoStory",
            Self::NaverBand => "Naver Band",
            Self::Weibo => "Weibo",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.key() == key)
    }

    /// The address that opens this network's share dialog for a petition.
    pub fn share_url(self, petition_url: &str, title: &str) -> String {
        self.share_url_with(petition_url, title, &format!("Sign the petition: {title}"))
    }

    /// Like [`Network::share_url`], with `invitation` as the text that
    /// goes with the link ("Sign the petition: …" in the sharer's language).
    pub fn share_url_with(self, petition_url: &str, title: &str, invitation: &str) -> String {
        let url = enc(&format!("{petition_url}?source={}", self.key()));
        let text = enc(invitation);
        let title = enc(title);
        match self {
            Self::Facebook => format!("https://www.facebook.com/sharer/sharer.php?u={url}"),
            Self::X => format!("https://x.com/intent/tweet?text={text}&url={url}"),
            Self::WhatsApp => format!("https://wa.me/?text={text}%20{url}"),
            Self::Telegram => format!("https://t.me/share/url?url={url}&text={text}"),
            Self::Line => format!("https://social-plugins.line.me/lineit/share?url={url}"),
            Self::LinkedIn => {
                format!("https://www.linkedin.com/sharing/share-offsite/?url={url}")
            }
            Self::Reddit => format!("https://www.reddit.com/submit?url={url}&title={title}"),
            Self::Email => format!("mailto:?subject={title}&body={text}%20{url}"),
            Self::KakaoStory => format!("https://story.kakao.com/share?url={url}"),
            Self::NaverBand => {
                format!("https://band.us/plugin/share?body={text}%20{url}&route={url}")
            }
            Self::Weibo => {
                format!("https://service.weibo.com/share/share.php?url={url}&title={title}")
            }
        }
    }
}

/// One share link, as pages list them.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLink {
    pub network: &'static str,
    pub label: String,
    pub href: String,
}

/// What a page needs to offer sharing: the networks' links, the title for
/// the browser's own share sheet, and the address to copy.
#[derive(Debug, Clone)]
pub struct SharePanel {
    pub title: String,
    /// The petition's address for copying, attributed to `link`.
    pub copy_url: String,
    pub links: Vec<ShareLink>,
}

impl SharePanel {
    /// The panel in `locale`'s language.
    pub fn new(petition_url: &str, title: &str, locale: Locale) -> Self {
        let invitation = locale.t1("share-invitation", "title", title);
        Self {
            title: title.to_owned(),
            copy_url: format!("{petition_url}?source=link"),
            links: Network::ALL
                .into_iter()
                .map(|n| ShareLink {
                    network: n.key(),
                    label: match n {
                        Network::Email => locale.t("share-network-email"),
                        _ => n.label().to_owned(),
                    },
                    href: n.share_url_with(petition_url, title, &invitation),
                })
                .collect(),
        }
    }
}

/// Every network's link for one petition, in display order.
pub fn links(petition_url: &str, title: &str) -> Vec<ShareLink> {
    Network::ALL
        .into_iter()
        .map(|n| ShareLink {
            network: n.key(),
            label: n.label().to_owned(),
            href: n.share_url(petition_url, title),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.org/petitions/save-the-bees";

    #[test]
    fn every_link_carries_its_source_and_encodes_everything() {
        for n in Network::ALL {
            let href = n.share_url(URL, "Bees & honey: 100% #now");
            assert!(href.contains(&format!("%3Fsource%3D{}", n.key())), "{href}");
            assert!(!href.contains(" "), "{href}");
            assert!(!href.contains("#now"), "{href}");
            assert!(!href.contains("& honey"), "{href}");
        }
    }

    #[test]
    fn korean_titles_are_percent_encoded_as_utf8() {
        let href = Network::KakaoStory.share_url(URL, "꿀벌을 지켜주세요");
        assert!(href.starts_with("https://story.kakao.com/share?url=https%3A%2F%2F"));
        let band = Network::NaverBand.share_url(URL, "꿀벌");
        assert!(band.contains("%EA%BF%80%EB%B2%8C"), "{band}");
        assert!(band.contains("&route=https%3A%2F%2Fexample.org"), "{band}");
    }

    #[test]
    fn mail_links_use_percent_encoding_not_plus() {
        let href = Network::Email.share_url(URL, "Save the bees");
        assert!(href.starts_with("mailto:?subject=Save%20the%20bees&body=Sign%20the%20petition"));
    }

    #[test]
    fn keys_round_trip() {
        for n in Network::ALL {
            assert_eq!(Network::from_key(n.key()), Some(n));
        }
    }
}

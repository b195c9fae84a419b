//! E-mail: every notification to a person with an address becomes an outbox row; when
//! an SMTP server is configured a sender delivers the rows (claiming each first, so
//! several server processes never send one twice), otherwise they wait in the outbox
//! administrators see.

use crate::i18n::Lang;
use dieuhanh_store::outbox::{self, NewMail};
use dieuhanh_store::{Store, StoreError};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How notifications leave the system.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// Base of the links in mails, e.g. `https://dieuhanh.hochiminhcity.gov.vn`.
    pub public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.transport.is_some())
            .field("from", &self.from.to_string())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("smtp_url is not a valid SMTP URL (smtp://host:port, smtps://user:password@host): {0}")]
    Url(String),
    #[error("mail_from is not an e-mail address (\"Name <address>\" or \"address\"): {0}")]
    From(String),
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host:465` (TLS).
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        public_url: &str,
    ) -> Result<Mailer, MailConfigError> {
        let transport = match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailConfigError::Url(e.to_string()))?
                    .build(),
            ),
            None => None,
        };
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailConfigError::From(e.to_string()))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// No SMTP server: mails stay in the outbox.
    pub fn outbox_only(public_url: &str) -> Mailer {
        Mailer {
            transport: None,
            from: Mailbox::new(None, "dieuhanh@localhost".parse().expect("a valid address")),
            public_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    pub fn sends(&self) -> bool {
        self.transport.is_some()
    }
}

/// Whether `text` is an address a mail can be sent to.
pub fn valid_address(text: &str) -> bool {
    text.len() <= 254 && text.parse::<lettre::Address>().is_ok()
}

/// What a notification mail says, in Vietnamese (officials' working language).
pub struct Notice<'a> {
    /// `reminder` or `escalation`.
    pub kind: &'a str,
    pub title: &'a str,
    pub unit_name: &'a str,
    pub due_date: &'a str,
    /// Path of the item's page, e.g. `/tasks/12`.
    pub path: &'a str,
}

pub async fn queue(
    store: &Store,
    mailer: &Mailer,
    unit_id: i64,
    user_id: i64,
    to: &str,
    notification_id: i64,
    notice: &Notice<'_>,
) -> Result<bool, StoreError> {
    let t = Lang::Vi.tr();
    let label = t.get(if notice.kind == "escalation" {
        "inbox.escalation"
    } else {
        "inbox.reminder"
    });
    let due = dieuhanh_core::time::format_civil_date(notice.due_date);
    let subject = format!("[{}] {label}: {}", t.get("app.name"), notice.title);
    let body = t.fill(
        "mail.body",
        [
            ("what", label),
            ("title", notice.title),
            ("unit", notice.unit_name),
            ("due", due.as_str()),
            (
                "link",
                format!("{}{}", mailer.public_url, notice.path).as_str(),
            ),
        ],
    );
    outbox::enqueue(
        store,
        &NewMail {
            unit_id,
            user_id,
            notification_id,
            to_address: to,
            subject: &subject,
            body: &body,
        },
    )
    .await
}

/// Sends what is due; returns how many were sent. Without SMTP, nothing.
pub async fn deliver(store: &Store, mailer: &Mailer, limit: i64) -> Result<usize, StoreError> {
    let Some(transport) = &mailer.transport else {
        return Ok(0);
    };
    let now = dieuhanh_core::time::now_us();
    let mut sent = 0;
    for mail in outbox::due(store, now, limit).await? {
        if !outbox::claim(store, mail.id, now).await? {
            continue;
        }
        let outcome = match build(mailer, &mail) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        if outcome.is_ok() {
            sent += 1;
        } else if let Err(e) = &outcome {
            tracing::warn!(mail = mail.id, error = %e, "sending a mail failed");
        }
        outbox::finish(
            store,
            mail.id,
            outcome.as_ref().map(|_| ()).map_err(String::as_str),
        )
        .await?;
    }
    Ok(sent)
}

fn build(mailer: &Mailer, mail: &outbox::Mail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .body(mail.body.clone())
        .map_err(|e| e.to_string())
}

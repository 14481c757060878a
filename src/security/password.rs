//! Organizer passwords: argon2id with OWASP's parameters, hashed and
//! verified on the blocking pool because one hash takes tens of milliseconds.
//! Requests go through [`HashingGate`], which caps the work at one hash per
//! CPU and the queue at a fixed length, so a login flood cannot take all
//! the memory (19 MiB per hash) or queue up forever.

use crate::i18n::Message;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password that meets the length rules. Not `Debug`, so it cannot leak
/// into logs by accident.
pub struct Password(String);

impl Password {
    pub fn parse(input: String) -> Result<Self, Message> {
        let len = input.chars().count();
        if len < MIN_PASSWORD_CHARS {
            return Err(Message::new("error-password-too-short").arg("min", MIN_PASSWORD_CHARS));
        }
        if len > MAX_PASSWORD_CHARS {
            return Err(Message::new("error-password-too-long").arg("max", MAX_PASSWORD_CHARS));
        }
        Ok(Self(input))
    }

    /// Like [`Password::parse`], and also strong enough: zxcvbn must
    /// estimate at least 10^10 guesses, counting what the person typed
    /// elsewhere on the form (their name, their address) as known words.
    /// zxcvbn's advice follows, each part from the catalogues, so that it
    /// reads in the page's language.
    pub fn parse_strong(input: String, user_inputs: &[&str]) -> Result<Self, Message> {
        let password = Self::parse(input)?;
        let estimate = zxcvbn::zxcvbn(password.expose(), user_inputs);
        if estimate.score() >= zxcvbn::Score::Three {
            return Ok(password);
        }
        let mut message = Message::new("error-password-weak");
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                message = message.then(warning_message(warning));
            }
            for &suggestion in feedback.suggestions() {
                message = message.then(suggestion_message(suggestion));
            }
        }
        Err(message)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What is wrong with a password, as zxcvbn finds it.
fn warning_message(warning: zxcvbn::feedback::Warning) -> Message {
    use zxcvbn::feedback::Warning as W;
    Message::new(match warning {
        W::StraightRowsOfKeysAreEasyToGuess => "password-warning-straight-row",
        W::ShortKeyboardPatternsAreEasyToGuess => "password-warning-keyboard-pattern",
        W::RepeatsLikeAaaAreEasyToGuess => "password-warning-repeated-character",
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "password-warning-repeated-group",
        W::ThisIsATop10Password => "password-warning-top-10",
        W::ThisIsATop100Password => "password-warning-top-100",
        W::ThisIsACommonPassword => "password-warning-common",
        W::ThisIsSimilarToACommonlyUsedPassword => "password-warning-similar-to-common",
        W::SequencesLikeAbcAreEasyToGuess => "password-warning-sequence",
        W::RecentYearsAreEasyToGuess => "password-warning-recent-year",
        W::AWordByItselfIsEasyToGuess => "password-warning-single-word",
        W::DatesAreOftenEasyToGuess => "password-warning-date",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess => "password-warning-name-alone",
        W::CommonNamesAndSurnamesAreEasyToGuess => "password-warning-common-name",
    })
}

/// How to choose a better password, as zxcvbn suggests.
fn suggestion_message(suggestion: zxcvbn::feedback::Suggestion) -> Message {
    use zxcvbn::feedback::Suggestion as S;
    Message::new(match suggestion {
        S::UseAFewWordsAvoidCommonPhrases => "password-suggest-few-words",
        S::NoNeedForSymbolsDigitsOrUppercaseLetters => "password-suggest-no-symbols-needed",
        S::AddAnotherWordOrTwo => "password-suggest-another-word",
        S::CapitalizationDoesntHelpVeryMuch => "password-suggest-capitals-help-little",
        S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => "password-suggest-all-capitals",
        S::ReversedWordsArentMuchHarderToGuess => "password-suggest-reversed-words",
        S::PredictableSubstitutionsDontHelpVeryMuch => "password-suggest-substitutions",
        S::UseALongerKeyboardPatternWithMoreTurns => "password-suggest-longer-pattern",
        S::AvoidRepeatedWordsAndCharacters => "password-suggest-avoid-repeats",
        S::AvoidSequences => "password-suggest-avoid-sequences",
        S::AvoidRecentYears => "password-suggest-avoid-recent-years",
        S::AvoidYearsThatAreAssociatedWithYou => "password-suggest-avoid-your-years",
        S::AvoidDatesAndYearsThatAreAssociatedWithYou => "password-suggest-avoid-your-dates",
    })
}

fn argon2() -> Argon2<'static> {
    // m=19456 KiB, t=2, p=1: the OWASP minimum for argon2id.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Blocking; call from the blocking pool or the CLI.
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hash = argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("hashing the password failed")?;
    Ok(hash.to_string())
}

/// Blocking. `None` for the stored hash verifies against a dummy hash, so an
/// unknown account costs as much time as a wrong password.
pub fn verify_password(stored_hash: Option<&str>, candidate: &str) -> bool {
    let hash = stored_hash.unwrap_or_else(|| dummy_hash());
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = argon2()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    ok && stored_hash.is_some()
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let password = Password("not the password of anyone at all".into());
        hash_password(&password).expect("hashing a constant works")
    })
}

/// What a person is told when the hashing queue is full.
/// What a person reads when hashing is too busy: a catalogue id.
pub const BUSY_MESSAGE: &str = "error-busy";

/// The hashing queue was full: answer 503 with this `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overloaded {
    pub retry_after: Duration,
}

/// Runs argon2 at most once per CPU at a time, with at most `queue` more
/// callers waiting; beyond that it refuses at once.
pub struct HashingGate {
    /// Running plus waiting: taken without waiting, or refused.
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
    refused: AtomicU64,
}

impl HashingGate {
    pub fn new(queue: usize) -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_workers(cpus, queue)
    }

    fn with_workers(workers: usize, queue: usize) -> Self {
        Self {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(Semaphore::new(workers)),
            refused: AtomicU64::new(0),
        }
    }

    /// [`verify_password`] behind the gate.
    pub async fn verify(
        &self,
        stored_hash: Option<String>,
        candidate: String,
    ) -> Result<bool, Overloaded> {
        self.run(move || verify_password(stored_hash.as_deref(), &candidate))
            .await
            .map(|ok| ok.unwrap_or(false))
    }

    /// [`hash_password`] behind the gate.
    pub async fn hash(&self, password: Password) -> Result<anyhow::Result<String>, Overloaded> {
        self.run(move || hash_password(&password))
            .await
            .map(|r| r.context("password hashing task failed").and_then(|r| r))
    }

    /// How many callers were refused because the queue was full.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Result<T, tokio::task::JoinError>, Overloaded> {
        let Ok(admitted) = self.admitted.clone().try_acquire_owned() else {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(Overloaded {
                retry_after: Duration::from_secs(1),
            });
        };
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        // The permits move into the task: a caller that gives up does not
        // free a CPU slot before its hash has finished.
        Ok(tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            work()
        })
        .await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    /// Every piece of zxcvbn's advice has a message whose English is
    /// zxcvbn's own words, and a Korean one that differs.
    #[test]
    fn every_piece_of_advice_is_in_both_languages() {
        use zxcvbn::feedback::{Suggestion as S, Warning as W};
        let warnings = [
            W::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            W::ThisIsATop10Password,
            W::ThisIsATop100Password,
            W::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess,
            W::CommonNamesAndSurnamesAreEasyToGuess,
        ];
        let suggestions = [
            S::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters,
            S::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            S::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch,
            S::UseALongerKeyboardPatternWithMoreTurns,
            S::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences,
            S::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou,
        ];
        let pieces = warnings
            .iter()
            .map(|&w| (w.to_string(), warning_message(w)))
            .chain(
                suggestions
                    .iter()
                    .map(|&s| (s.to_string(), suggestion_message(s))),
            );
        let mut ids = std::collections::BTreeSet::new();
        for (zxcvbn_words, message) in pieces {
            assert!(ids.insert(message.id()), "{} twice", message.id());
            assert_eq!(message.english(), zxcvbn_words);
            let korean = Locale::Ko.msg(&message);
            assert_ne!(korean, message.id());
            assert!(!korean.is_ascii(), "{}: {korean}", message.id());
        }
    }

    #[test]
    fn weak_passwords_get_the_specific_advice_in_either_language() {
        let Err(refused) = Password::parse_strong("qwertyuiopasdf".into(), &[]) else {
            panic!("a keyboard run is weak");
        };
        let english = refused.english();
        assert!(
            english.starts_with("Choose a password that is harder to guess. "),
            "{english}"
        );
        assert!(
            english.contains("This is similar to a commonly used password."),
            "{english}"
        );
        let korean = Locale::Ko.msg(&refused);
        assert!(
            korean.starts_with("추측하기 더 어려운 비밀번호를 정하세요. "),
            "{korean}"
        );
        assert!(
            korean.contains("흔히 쓰는 비밀번호와 비슷합니다."),
            "{korean}"
        );
        assert!(Password::parse_strong("꿀벌 지키기 위한 긴 비밀번호 문장".into(), &[]).is_ok());
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once_and_frees_up_again() {
        let gate = Arc::new(HashingGate::with_workers(1, 1));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(std::sync::Mutex::new(hold));
        let blocker = {
            let (gate, hold) = (gate.clone(), hold.clone());
            tokio::spawn(async move { gate.run(move || hold.lock().unwrap().recv()).await })
        };
        // Wait until the first job holds the only worker slot.
        while gate.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let queued = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(|| 42).await })
        };
        while gate.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let refused = gate.verify(None, "anything at all".into()).await;
        assert_eq!(refused.unwrap_err().retry_after, Duration::from_secs(1));
        assert_eq!(gate.refused(), 1);

        release.send(()).unwrap();
        assert!(blocker.await.unwrap().is_ok());
        assert_eq!(queued.await.unwrap().unwrap().unwrap(), 42);
        assert_eq!(gate.verify(None, "anything at all".into()).await, Ok(false));
    }
}

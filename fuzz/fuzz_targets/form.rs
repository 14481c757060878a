//! The sign form and the petition form as they arrive: URL-encoded bytes
//! (any bytes; invalid UTF-8 included) read with `serde_urlencoded`, as
//! actix-web's `web::Form` does, then parsed as the routes parse them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersigned::domain::petition::{NewPetition, PetitionForm};
use undersigned::domain::signer::{NewSignature, SignatureForm};
use undersigned_fuzz::{check_errors, check_petition, check_signature, CURRENT_CLOSE, TODAY};

fuzz_target!(|data: &[u8]| {
    // POST /petitions/{slug}/signatures (and the embedded widget's).
    if let Ok(form) = serde_urlencoded::from_bytes::<SignatureForm>(data) {
        let _ = form.filled_by_a_bot();
        match NewSignature::try_from(&form) {
            Ok(signature) => check_signature(&signature),
            Err(errors) => check_errors(&errors),
        }
    }
    // POST /dashboard/petitions/new and …/{slug}/edit.
    if let Ok(form) = serde_urlencoded::from_bytes::<PetitionForm>(data) {
        match NewPetition::parse(&form, TODAY) {
            Ok(petition) => check_petition(&petition, Some(TODAY)),
            Err(errors) => check_errors(&errors),
        }
        match NewPetition::parse_edit(&form, TODAY, Some(CURRENT_CLOSE)) {
            Ok(petition) => check_petition(&petition, None),
            Err(errors) => check_errors(&errors),
        }
    }
});

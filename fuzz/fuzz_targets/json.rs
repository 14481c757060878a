//! The JSON API's bodies: bytes read as `serde_json::Value` (what the
//! routes' `web::Json<Value>` does), then `from_object` into the signature
//! form or the organizer's `PetitionInput`, and the domain parsing after.
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersigned::domain::petition::{NewPetition, PetitionForm};
use undersigned::domain::signer::{NewSignature, SignatureForm};
use undersigned::routes::api::from_object;
use undersigned::routes::api_organizer::PetitionInput;
use undersigned_fuzz::{check_errors, check_petition, check_signature, CURRENT_CLOSE, TODAY};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };

    // POST /api/v1/petitions/{slug}/signatures
    match from_object::<SignatureForm>(body.clone()) {
        Ok(form) => match NewSignature::try_from(&form) {
            Ok(signature) => check_signature(&signature),
            Err(errors) => check_errors(&errors),
        },
        Err(err) => assert!(!err.to_string().is_empty()),
    }

    // POST /api/v1/petitions: the input over an empty form.
    match from_object::<PetitionInput>(body.clone()) {
        Ok(input) => match NewPetition::parse(&input.over(PetitionForm::default()), TODAY) {
            Ok(petition) => check_petition(&petition, Some(TODAY)),
            Err(errors) => check_errors(&errors),
        },
        Err(err) => assert!(!err.to_string().is_empty()),
    }

    // PATCH /api/v1/petitions/{slug}: the input over a valid petition.
    if let Ok(input) = from_object::<PetitionInput>(body) {
        let current = PetitionForm {
            title: "Protect the Han River wetlands".into(),
            summary: "Stop the marina.".into(),
            body: "The wetlands shelter **40,000** birds.".into(),
            targets: "Seoul Metropolitan Government".into(),
            goal: "10000".into(),
            closes_on: "2026-11-29".into(),
            language: "ko".into(),
            csrf_token: String::new(),
        };
        match NewPetition::parse_edit(&input.over(current), TODAY, Some(CURRENT_CLOSE)) {
            Ok(petition) => check_petition(&petition, None),
            Err(errors) => check_errors(&errors),
        }
    }
});

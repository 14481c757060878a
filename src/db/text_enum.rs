//! Enums stored as text. Reading a value the enum does not know is an
//! error, never a silent default: a typo in a migration or a newer
//! instance's state must not be taken for "closed" or "pending".

/// Implements diesel's `Text` conversions for an enum with `as_str` and
/// `parse`, on every backend.
#[macro_export]
macro_rules! text_enum {
    ($ty:ty) => {
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                                                                            diesel::sql_types::Text,
                                                                            DB,
                                                                        >>::from_sql(bytes)?;
                <$ty>::parse(&text).ok_or_else(|| {
                    format!("unknown {} {:?} in the database", stringify!($ty), text).into()
                })
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }
    };
}

text_enum!(crate::domain::petition::PetitionState);
text_enum!(crate::domain::signer::SignatureState);

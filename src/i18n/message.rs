//! A message to show a person, as a catalogue id with arguments, so that it
//! can be put into words in whichever language the page or email is in.

use std::borrow::Cow;

/// One argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Markup that [`super::Locale::markup`] places as it is. Only code
    /// builds it (see [`super::html`]); in plain text it is its source.
    Html(String),
}

/// Anything a template or handler passes as a message argument. Templates
/// pass values by reference, so references work too.
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl IntoArg for Arg {
    fn into_arg(self) -> Arg {
        self
    }
}

impl IntoArg for &Arg {
    fn into_arg(self) -> Arg {
        self.clone()
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Number(i64::try_from(self).unwrap_or(i64::MAX))
            }
        }
        impl IntoArg for &$t {
            fn into_arg(self) -> Arg {
                (*self).into_arg()
            }
        }
        impl IntoArg for &&$t {
            fn into_arg(self) -> Arg {
                (**self).into_arg()
            }
        }
    )*};
}
number_args!(i64, i32, u32, u64, usize);

macro_rules! text_args {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Text(self.to_string())
            }
        }
    )*};
}
text_args!(
    &str,
    &&str,
    String,
    &String,
    &&String,
    Cow<'_, str>,
    &Cow<'_, str>
);

/// A catalogue id and its arguments, and the sentences that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
    then: Vec<Message>,
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Self {
            id,
            args: Vec::new(),
            then: Vec::new(),
        }
    }

    /// Text that is the same in every language: for the JSON API's
    /// detailed messages, and for pages whose words are not in the
    /// catalogues yet.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new("verbatim").arg("text", text.into())
    }

    /// Adds the argument `name`.
    pub fn arg(mut self, name: &'static str, value: impl IntoArg) -> Self {
        self.args.push((name, value.into_arg()));
        self
    }

    /// Adds a sentence said after this one (and after those added before),
    /// a space apart: advice whose parts are chosen by code, each in the
    /// catalogue on its own.
    pub fn then(mut self, sentence: Message) -> Self {
        self.then.push(sentence);
        self
    }

    /// The sentences added with [`Message::then`].
    pub fn following(&self) -> &[Message] {
        &self.then
    }

    pub fn id(&self) -> &'static str {
        self.id
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// In English, for logs, the JSON API and tests.
    pub fn english(&self) -> String {
        super::Locale::En.msg(self)
    }
}

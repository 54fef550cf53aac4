//! The French wording of the user interface (web pages and CLI), one file per area: each
//! refusal type of the application is rendered here, and only here. Mails keep theirs in
//! `mail::templates`.

mod audit;
mod money;

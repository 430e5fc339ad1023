//! What the bot says when no person can come: nobody is online, the team is outside its hours
//! (and when it is back), or the customer has waited too long; then the two ways on (leave a
//! message, or keep chatting with the bot). Also the lead-in of an answer given while the
//! customer waits for a person, and the thanks for a left message. In the customer's language.

use crate::text::Language;

/// Why nobody can come now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absence {
    NobodyOnline,
    /// Outside the site's business hours; `back` when it opens again, if within a month.
    Closed {
        back: Option<Back>,
    },
    /// The customer has waited longer than the site's maximum.
    WaitedTooLong,
}

/// When the team is back, in the site's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Back {
    /// 0 is Monday.
    pub weekday: u32,
    /// Minutes after local midnight.
    pub minute: u32,
    /// 0 later today, 1 tomorrow, else that weekday.
    pub in_days: u32,
}

const WEEKDAYS: [[&str; 7]; 5] = [
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ["el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado", "el domingo"],
    ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    ["am Montag", "am Dienstag", "am Mittwoch", "am Donnerstag", "am Freitag", "am Samstag", "am Sonntag"],
    [
        "na segunda-feira",
        "na terça-feira",
        "na quarta-feira",
        "na quinta-feira",
        "na sexta-feira",
        "no sábado",
        "no domingo",
    ],
];

fn index(language: Language) -> usize {
    match language {
        Language::English => 0,
        Language::Spanish => 1,
        Language::French => 2,
        Language::German => 3,
        Language::Portuguese => 4,
    }
}

/// "Monday at 9:00", "mañana a las 9:00", …
fn when(language: Language, back: &Back) -> String {
    let time = format!("{}:{:02}", back.minute / 60, back.minute % 60);
    let day = match (back.in_days, language) {
        (0, Language::English) => "today",
        (1, Language::English) => "tomorrow",
        (0, Language::Spanish) => "hoy",
        (1, Language::Spanish) => "mañana",
        (0, Language::French) => "aujourd'hui",
        (1, Language::French) => "demain",
        (0, Language::German) => "heute",
        (1, Language::German) => "morgen",
        (0, Language::Portuguese) => "hoje",
        (1, Language::Portuguese) => "amanhã",
        _ => WEEKDAYS[index(language)][(back.weekday % 7) as usize],
    };
    let at = match language {
        Language::English => "at",
        Language::Spanish => "a las",
        Language::French => "à",
        Language::German => "um",
        Language::Portuguese => "às",
    };
    format!("{day} {at} {time}")
}

/// Why nobody comes, then the two ways on.
pub fn no_agent_message(language: Language, absence: &Absence) -> String {
    let why = match (language, absence) {
        (Language::English, Absence::NobodyOnline) => "Nobody from our team is available right now.".to_string(),
        (Language::English, Absence::Closed { back: Some(b) }) => {
            format!("Our team is away right now. We're back {}.", when(language, b))
        }
        (Language::English, Absence::Closed { back: None }) => "Our team is away right now.".to_string(),
        (Language::English, Absence::WaitedTooLong) => {
            "Sorry for the wait: everyone on our team is still busy.".to_string()
        }
        (Language::Spanish, Absence::NobodyOnline) => {
            "Ahora mismo no hay nadie de nuestro equipo disponible.".to_string()
        }
        (Language::Spanish, Absence::Closed { back: Some(b) }) => {
            format!("Nuestro equipo no está disponible ahora. Volvemos {}.", when(language, b))
        }
        (Language::Spanish, Absence::Closed { back: None }) => "Nuestro equipo no está disponible ahora.".to_string(),
        (Language::Spanish, Absence::WaitedTooLong) => {
            "Perdona la espera: todo nuestro equipo sigue ocupado.".to_string()
        }
        (Language::French, Absence::NobodyOnline) => {
            "Personne de notre équipe n'est disponible pour le moment.".to_string()
        }
        (Language::French, Absence::Closed { back: Some(b) }) => {
            format!("Notre équipe est absente pour le moment. Nous revenons {}.", when(language, b))
        }
        (Language::French, Absence::Closed { back: None }) => "Notre équipe est absente pour le moment.".to_string(),
        (Language::French, Absence::WaitedTooLong) => {
            "Désolé pour l'attente : toute notre équipe est encore occupée.".to_string()
        }
        (Language::German, Absence::NobodyOnline) => "Gerade ist niemand aus unserem Team erreichbar.".to_string(),
        (Language::German, Absence::Closed { back: Some(b) }) => {
            format!("Unser Team ist gerade nicht da. Wir sind {} wieder da.", when(language, b))
        }
        (Language::German, Absence::Closed { back: None }) => "Unser Team ist gerade nicht da.".to_string(),
        (Language::German, Absence::WaitedTooLong) => {
            "Entschuldigen Sie die Wartezeit: Unser ganzes Team ist noch beschäftigt.".to_string()
        }
        (Language::Portuguese, Absence::NobodyOnline) => "Ninguém da nossa equipe está disponível agora.".to_string(),
        (Language::Portuguese, Absence::Closed { back: Some(b) }) => {
            format!("Nossa equipe está ausente agora. Voltamos {}.", when(language, b))
        }
        (Language::Portuguese, Absence::Closed { back: None }) => "Nossa equipe está ausente agora.".to_string(),
        (Language::Portuguese, Absence::WaitedTooLong) => {
            "Desculpe a espera: toda a nossa equipe ainda está ocupada.".to_string()
        }
    };
    let ways = match language {
        Language::English => "You can leave a message and we'll reply by email, or keep chatting with me.",
        Language::Spanish => "Puedes dejarnos un mensaje y te responderemos por correo, o seguir hablando conmigo.",
        Language::French => {
            "Vous pouvez laisser un message et nous vous répondrons par e-mail, ou continuer à discuter avec moi."
        }
        Language::German => {
            "Sie können eine Nachricht hinterlassen, dann antworten wir per E-Mail, oder weiter mit mir schreiben."
        }
        Language::Portuguese => {
            "Você pode deixar uma mensagem e responderemos por e-mail, ou continuar conversando comigo."
        }
    };
    format!("{why} {ways}")
}

/// Put before an answer the bot gives while the customer waits, so they know a person is
/// still coming.
pub fn while_waiting(language: Language) -> &'static str {
    match language {
        Language::English => "A person will join you soon. In the meantime: ",
        Language::Spanish => "Una persona te atenderá pronto. Mientras tanto: ",
        Language::French => "Une personne va bientôt vous répondre. En attendant : ",
        Language::German => "Gleich meldet sich eine Person bei Ihnen. Bis dahin: ",
        Language::Portuguese => "Uma pessoa vai atender você em breve. Enquanto isso: ",
    }
}

/// The bot's thanks once a message is left.
pub fn message_left(language: Language, email: &str) -> String {
    match language {
        Language::English => format!("Thanks! We have your message and will reply to {email}."),
        Language::Spanish => format!("¡Gracias! Tenemos tu mensaje y te responderemos a {email}."),
        Language::French => format!("Merci ! Nous avons votre message et répondrons à {email}."),
        Language::German => format!("Danke! Wir haben Ihre Nachricht und antworten an {email}."),
        Language::Portuguese => format!("Obrigado! Recebemos a sua mensagem e responderemos para {email}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_when_the_team_is_back_in_the_customers_language() {
        let monday = Absence::Closed { back: Some(Back { weekday: 0, minute: 9 * 60, in_days: 2 }) };
        let en = no_agent_message(Language::English, &monday);
        assert!(en.starts_with("Our team is away right now. We're back Monday at 9:00."), "{en}");
        assert!(en.contains("leave a message") && en.contains("keep chatting"), "{en}");
        let es = no_agent_message(Language::Spanish, &monday);
        assert!(es.contains("Volvemos el lunes a las 9:00."), "{es}");
        let tomorrow = Absence::Closed { back: Some(Back { weekday: 1, minute: 8 * 60 + 30, in_days: 1 }) };
        assert!(no_agent_message(Language::German, &tomorrow).contains("morgen um 8:30"));
        assert!(no_agent_message(Language::Portuguese, &monday).contains("na segunda-feira às 9:00"));
    }

    #[test]
    fn every_language_has_every_sentence() {
        let absences = [Absence::NobodyOnline, Absence::Closed { back: None }, Absence::WaitedTooLong];
        for language in Language::ALL {
            for absence in &absences {
                let text = no_agent_message(language, absence);
                assert!(text.len() > 40, "{language:?} {absence:?}: {text}");
            }
            assert!(!while_waiting(language).is_empty());
            assert!(message_left(language, "ana@x.test").contains("ana@x.test"));
        }
    }
}

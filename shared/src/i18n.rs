//! The widget's words in every language it speaks. The edge hands a visitor the catalogue of
//! one language (the widget ships none: every byte of it would reach every visitor), and the
//! bot names the widget's buttons from the same catalogue, so an answer never points at a
//! label the customer does not see.

/// A language the widget's catalogue covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Es,
    Fr,
    De,
    Pt,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::Es, Locale::Fr, Locale::De, Locale::Pt];

    /// The ISO 639-1 code.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::Pt => "pt",
        }
    }

    /// Reads a language tag by its primary subtag: "de", "de-AT" and "DE_ch" are German.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Locale::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }

    /// Text direction, for the widget's `dir`. Every language so far runs left to right; a
    /// right-to-left one answers "rtl" here and the widget mirrors.
    pub fn dir(self) -> &'static str {
        "ltr"
    }

    /// The first of `wanted` (most preferred first: the page's `setLocale`, `data-locale`, then
    /// the browser's languages) that the catalogue covers, else `fallback` (the site's default).
    pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>, fallback: Locale) -> Locale {
        wanted.into_iter().find_map(Locale::parse).unwrap_or(fallback)
    }

    /// Every string of the widget in this language, in `Text::ALL` order.
    pub fn catalogue(self) -> &'static [&'static str; Text::COUNT] {
        match self {
            Locale::En => &EN,
            Locale::Es => &ES,
            Locale::Fr => &FR,
            Locale::De => &DE,
            Locale::Pt => &PT,
        }
    }

    pub fn text(self, key: Text) -> &'static str {
        self.catalogue()[key as usize]
    }
}

/// One string of the widget. The widget receives a catalogue as a list in this order and
/// looks a key up by its position; `{n}` and `{name}` are filled in by the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Text {
    OpenChat,
    CloseChat,
    Chat,
    MinimizeChat,
    Conversation,
    Message,
    WriteMessage,
    Send,
    Dismiss,
    TalkToPerson,
    LeaveMessage,
    KeepChatting,
    EndChat,
    ConfirmEnd,
    Cancel,
    StartNew,
    EndThisChat,
    YourEmail,
    YourMessage,
    SendMessage,
    Connecting,
    Reconnecting,
    Unavailable,
    NextInLine,
    NumberInLine,
    AboutMinutes,
    FewMinutes,
    Assistant,
    VirtualAssistant,
    SupportAgent,
    WaitingForPerson,
    ConversationEndedShort,
    You,
    AnAgent,
    ConnectingPerson,
    Joined,
    BackWith,
    YouEnded,
    MessageWentToTeam,
    ClosedConversation,
    ClosedInactive,
    ConversationEnded,
    ThanksForRating,
    Typing,
    Sending,
    Sent,
    NotSent,
    Retry,
    RateConversation,
    HowWasIt,
    OneStar,
    Stars,
    SendingQuickly,
    ErrorRateLimited,
    ErrorTooLong,
    ErrorEmpty,
    ErrorClosed,
    ErrorRating,
    ErrorEmail,
    ErrorOther,
    NewMessage,
}

impl Text {
    pub const COUNT: usize = 61;
    pub const ALL: [Text; Text::COUNT] = [
        Text::OpenChat,
        Text::CloseChat,
        Text::Chat,
        Text::MinimizeChat,
        Text::Conversation,
        Text::Message,
        Text::WriteMessage,
        Text::Send,
        Text::Dismiss,
        Text::TalkToPerson,
        Text::LeaveMessage,
        Text::KeepChatting,
        Text::EndChat,
        Text::ConfirmEnd,
        Text::Cancel,
        Text::StartNew,
        Text::EndThisChat,
        Text::YourEmail,
        Text::YourMessage,
        Text::SendMessage,
        Text::Connecting,
        Text::Reconnecting,
        Text::Unavailable,
        Text::NextInLine,
        Text::NumberInLine,
        Text::AboutMinutes,
        Text::FewMinutes,
        Text::Assistant,
        Text::VirtualAssistant,
        Text::SupportAgent,
        Text::WaitingForPerson,
        Text::ConversationEndedShort,
        Text::You,
        Text::AnAgent,
        Text::ConnectingPerson,
        Text::Joined,
        Text::BackWith,
        Text::YouEnded,
        Text::MessageWentToTeam,
        Text::ClosedConversation,
        Text::ClosedInactive,
        Text::ConversationEnded,
        Text::ThanksForRating,
        Text::Typing,
        Text::Sending,
        Text::Sent,
        Text::NotSent,
        Text::Retry,
        Text::RateConversation,
        Text::HowWasIt,
        Text::OneStar,
        Text::Stars,
        Text::SendingQuickly,
        Text::ErrorRateLimited,
        Text::ErrorTooLong,
        Text::ErrorEmpty,
        Text::ErrorClosed,
        Text::ErrorRating,
        Text::ErrorEmail,
        Text::ErrorOther,
        Text::NewMessage,
    ];
}

/// A catalogue as the widget receives it: the strings in `Text::ALL` order. A missing entry
/// reads as empty rather than failing, so a shorter catalogue from an older edge degrades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts(pub &'static [&'static str]);

impl Texts {
    pub fn get(self, key: Text) -> &'static str {
        self.0.get(key as usize).copied().unwrap_or("")
    }

    /// `key` with its `{n}` or `{name}` filled in.
    pub fn fill(self, key: Text, value: &str) -> String {
        // By the braces, not by searching for "{n}", and without indexing: a substring search
        // or a slice's bounds check weighs kilobytes of wasm. An entry has at most one slot.
        let text = self.get(key);
        let Some((head, tail)) = text.split_once('{').and_then(|(head, rest)| Some((head, rest.split_once('}')?.1)))
        else {
            return text.to_string();
        };
        let mut out = String::with_capacity(text.len() + value.len());
        out.push_str(head);
        out.push_str(value);
        out.push_str(tail);
        out
    }
}

impl Default for Texts {
    /// No words at all: what a widget shows before its catalogue arrives.
    fn default() -> Texts {
        Texts(&[])
    }
}

const EN: [&str; Text::COUNT] = [
    "Open chat",
    "Close chat",
    "Chat",
    "Minimize chat",
    "Conversation",
    "Message",
    "Write a message…",
    "Send",
    "Dismiss",
    "Talk to a person",
    "Leave a message",
    "Keep chatting",
    "End chat",
    "Yes, end chat",
    "Cancel",
    "Start a new conversation",
    "End this chat?",
    "Your email",
    "Your message",
    "Send message",
    "Connecting…",
    "Reconnecting…",
    "Chat is unavailable right now. Please try again later.",
    "You're next in line",
    "You're number {n} in line",
    "about {n} min",
    "a few minutes",
    "Assistant",
    "Virtual assistant",
    "Support agent",
    "Waiting for a person…",
    "Conversation ended",
    "You",
    "An agent",
    "Connecting you with a person…",
    "{name} joined the conversation",
    "You're back with {name}",
    "You ended the chat",
    "Your message went to the team",
    "{name} closed the conversation",
    "The chat closed after a while without messages",
    "This conversation has ended",
    "Thanks for your feedback",
    "{name} is typing…",
    "Sending…",
    "Sent",
    "Not sent",
    "Retry",
    "Rate this conversation",
    "How was your conversation?",
    "1 star",
    "{n} stars",
    "You're sending messages quickly. Yours will go out in a moment.",
    "You're sending messages too quickly. Please wait a moment and try again.",
    "That message is too long. Please shorten it and try again.",
    "Please type a message first.",
    "This conversation has ended.",
    "Please choose from 1 to 5 stars.",
    "Please enter a valid email address.",
    "Something went wrong. Please try again.",
    "New message",
];

const ES: [&str; Text::COUNT] = [
    "Abrir chat",
    "Cerrar chat",
    "Chat",
    "Minimizar chat",
    "Conversación",
    "Mensaje",
    "Escribe un mensaje…",
    "Enviar",
    "Descartar",
    "Hablar con una persona",
    "Dejar un mensaje",
    "Seguir chateando",
    "Finalizar chat",
    "Sí, finalizar chat",
    "Cancelar",
    "Iniciar una nueva conversación",
    "¿Finalizar este chat?",
    "Tu correo electrónico",
    "Tu mensaje",
    "Enviar mensaje",
    "Conectando…",
    "Reconectando…",
    "El chat no está disponible en este momento. Inténtalo de nuevo más tarde.",
    "Tu turno es el siguiente",
    "Ocupas el puesto {n} en la fila",
    "unos {n} min",
    "unos minutos",
    "Asistente",
    "Asistente virtual",
    "Agente de soporte",
    "Esperando a una persona…",
    "Conversación finalizada",
    "Tú",
    "Un agente",
    "Conectándote con una persona…",
    "{name} se unió a la conversación",
    "Vuelves a hablar con {name}",
    "Finalizaste el chat",
    "Tu mensaje se envió al equipo",
    "{name} cerró la conversación",
    "El chat se cerró tras un tiempo sin mensajes",
    "Esta conversación ha finalizado",
    "Gracias por tu opinión",
    "{name} está escribiendo…",
    "Enviando…",
    "Enviado",
    "No enviado",
    "Reintentar",
    "Valora esta conversación",
    "¿Qué tal fue tu conversación?",
    "1 estrella",
    "{n} estrellas",
    "Estás enviando mensajes muy rápido. Tus mensajes se enviarán en un momento.",
    "Estás enviando mensajes demasiado rápido. Espera un momento e inténtalo de nuevo.",
    "Ese mensaje es demasiado largo. Acórtalo e inténtalo de nuevo.",
    "Escribe un mensaje primero.",
    "Esta conversación ha finalizado.",
    "Elige entre 1 y 5 estrellas.",
    "Introduce una dirección de correo electrónico válida.",
    "Algo salió mal. Inténtalo de nuevo.",
    "Nuevo mensaje",
];

const FR: [&str; Text::COUNT] = [
    "Ouvrir le chat",
    "Fermer le chat",
    "Chat",
    "Réduire le chat",
    "Conversation",
    "Message",
    "Écrivez un message…",
    "Envoyer",
    "Ignorer",
    "Parler à une personne",
    "Laisser un message",
    "Continuer la discussion",
    "Terminer le chat",
    "Oui, terminer le chat",
    "Annuler",
    "Démarrer une nouvelle conversation",
    "Terminer ce chat\u{a0}?",
    "Votre e-mail",
    "Votre message",
    "Envoyer le message",
    "Connexion…",
    "Reconnexion…",
    "Le chat est indisponible pour le moment. Veuillez réessayer plus tard.",
    "Vous êtes en tête de file",
    "Vous êtes en position {n} dans la file",
    "environ {n} min",
    "quelques minutes",
    "Assistant",
    "Assistant virtuel",
    "Agent du support",
    "En attente d'une personne…",
    "Conversation terminée",
    "Vous",
    "Un agent",
    "Mise en relation avec une personne…",
    "{name} a rejoint la conversation",
    "Vous discutez de nouveau avec {name}",
    "Vous avez terminé le chat",
    "Votre message a été transmis à l'équipe",
    "{name} a fermé la conversation",
    "Le chat s'est fermé après un moment sans messages",
    "Cette conversation est terminée",
    "Merci pour votre avis",
    "{name} est en train d'écrire…",
    "Envoi…",
    "Envoyé",
    "Non envoyé",
    "Réessayer",
    "Évaluer cette conversation",
    "Comment s'est passée votre conversation\u{a0}?",
    "1 étoile",
    "{n} étoiles",
    "Vous envoyez des messages rapidement. Vos messages partiront dans un instant.",
    "Vous envoyez des messages trop rapidement. Veuillez patienter un instant et réessayer.",
    "Ce message est trop long. Veuillez le raccourcir et réessayer.",
    "Veuillez d'abord écrire un message.",
    "Cette conversation est terminée.",
    "Veuillez choisir entre 1 et 5 étoiles.",
    "Veuillez saisir une adresse e-mail valide.",
    "Une erreur s'est produite. Veuillez réessayer.",
    "Nouveau message",
];

const DE: [&str; Text::COUNT] = [
    "Chat öffnen",
    "Chat schließen",
    "Chat",
    "Chat minimieren",
    "Unterhaltung",
    "Nachricht",
    "Nachricht schreiben…",
    "Senden",
    "Ausblenden",
    "Mit einer Person sprechen",
    "Nachricht hinterlassen",
    "Weiterchatten",
    "Chat beenden",
    "Ja, Chat beenden",
    "Abbrechen",
    "Neue Unterhaltung starten",
    "Diesen Chat beenden?",
    "Ihre E-Mail-Adresse",
    "Ihre Nachricht",
    "Nachricht senden",
    "Verbindung wird hergestellt…",
    "Verbindung wird wiederhergestellt…",
    "Der Chat ist gerade nicht verfügbar. Bitte versuchen Sie es später erneut.",
    "Sie sind als Nächstes dran",
    "Sie sind Nummer {n} in der Warteschlange",
    "ca. {n} Min.",
    "einige Minuten",
    "Assistent",
    "Virtueller Assistent",
    "Support-Mitarbeiter",
    "Warten auf eine Person…",
    "Unterhaltung beendet",
    "Sie",
    "Ein Mitarbeiter",
    "Sie werden mit einer Person verbunden…",
    "{name} ist der Unterhaltung beigetreten",
    "Sie sind wieder mit {name} verbunden",
    "Sie haben den Chat beendet",
    "Ihre Nachricht wurde an das Team gesendet",
    "{name} hat die Unterhaltung beendet",
    "Der Chat wurde nach einer Weile ohne Nachrichten geschlossen",
    "Diese Unterhaltung wurde beendet",
    "Danke für Ihr Feedback",
    "{name} schreibt…",
    "Wird gesendet…",
    "Gesendet",
    "Nicht gesendet",
    "Erneut senden",
    "Diese Unterhaltung bewerten",
    "Wie war Ihre Unterhaltung?",
    "1 Stern",
    "{n} Sterne",
    "Sie senden Nachrichten sehr schnell. Ihre Nachrichten werden gleich gesendet.",
    "Sie senden Nachrichten zu schnell. Bitte warten Sie einen Moment und versuchen Sie es erneut.",
    "Diese Nachricht ist zu lang. Bitte kürzen Sie sie und versuchen Sie es erneut.",
    "Bitte geben Sie zuerst eine Nachricht ein.",
    "Diese Unterhaltung wurde beendet.",
    "Bitte wählen Sie 1 bis 5 Sterne.",
    "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
    "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    "Neue Nachricht",
];

const PT: [&str; Text::COUNT] = [
    "Abrir chat",
    "Fechar chat",
    "Chat",
    "Minimizar chat",
    "Conversa",
    "Mensagem",
    "Escreva uma mensagem…",
    "Enviar",
    "Dispensar",
    "Falar com uma pessoa",
    "Deixar uma mensagem",
    "Continuar conversando",
    "Encerrar chat",
    "Sim, encerrar chat",
    "Cancelar",
    "Iniciar uma nova conversa",
    "Encerrar este chat?",
    "Seu e-mail",
    "Sua mensagem",
    "Enviar mensagem",
    "Conectando…",
    "Reconectando…",
    "O chat está indisponível no momento. Tente novamente mais tarde.",
    "Sua vez é a próxima",
    "Você é o número {n} na fila",
    "cerca de {n} min",
    "alguns minutos",
    "Assistente",
    "Assistente virtual",
    "Agente de suporte",
    "Aguardando uma pessoa…",
    "Conversa encerrada",
    "Você",
    "Um agente",
    "Conectando você a uma pessoa…",
    "{name} entrou na conversa",
    "Você voltou a falar com {name}",
    "Você encerrou o chat",
    "Sua mensagem foi enviada para a equipe",
    "{name} encerrou a conversa",
    "O chat foi encerrado após um tempo sem mensagens",
    "Esta conversa foi encerrada",
    "Obrigado pelo seu feedback",
    "{name} está digitando…",
    "Enviando…",
    "Enviada",
    "Não enviada",
    "Tentar novamente",
    "Avalie esta conversa",
    "Como foi sua conversa?",
    "1 estrela",
    "{n} estrelas",
    "Você está enviando mensagens rapidamente. Suas mensagens serão enviadas em instantes.",
    "Você está enviando mensagens rápido demais. Aguarde um momento e tente novamente.",
    "Essa mensagem é muito longa. Encurte-a e tente novamente.",
    "Digite uma mensagem primeiro.",
    "Esta conversa foi encerrada.",
    "Escolha de 1 a 5 estrelas.",
    "Insira um endereço de e-mail válido.",
    "Algo deu errado. Tente novamente.",
    "Nova mensagem",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_key_in_order() {
        for (i, key) in Text::ALL.into_iter().enumerate() {
            assert_eq!(key as usize, i, "{key:?}");
        }
    }

    #[test]
    fn the_loader_finds_the_title_word_where_it_reads_it() {
        // widget/loader/widget.js shows "(1) New message" from `texts[60]`.
        assert_eq!(Text::NewMessage as usize, 60);
    }

    #[test]
    fn negotiation_takes_the_first_covered_language_else_the_site_default() {
        assert_eq!(Locale::negotiate(["it", "de-AT", "es"], Locale::En), Locale::De);
        assert_eq!(Locale::negotiate(["ja", "zh-CN"], Locale::Fr), Locale::Fr);
        assert_eq!(Locale::negotiate([], Locale::Pt), Locale::Pt);
        assert_eq!(Locale::parse("PT_br"), Some(Locale::Pt));
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn every_language_fills_every_key_with_the_same_placeholders() {
        for locale in Locale::ALL {
            for key in Text::ALL {
                let (en, text) = (Locale::En.text(key), locale.text(key));
                assert!(!text.trim().is_empty(), "{locale:?} {key:?}");
                for slot in ["{n}", "{name}"] {
                    assert_eq!(en.contains(slot), text.contains(slot), "{locale:?} {key:?}: {text}");
                }
            }
        }
    }

    #[test]
    fn every_language_but_english_has_its_own_words() {
        for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
            let same = Text::ALL.iter().filter(|k| locale.text(**k) == Locale::En.text(**k)).count();
            // A few words are the same in two languages ("Chat"); most are not.
            assert!(same <= 4, "{locale:?}: {same} strings are the English ones");
        }
    }

    #[test]
    fn fill_replaces_the_slot() {
        let texts = Texts(Locale::En.catalogue());
        assert_eq!(texts.fill(Text::NumberInLine, "3"), "You're number 3 in line");
        assert_eq!(texts.fill(Text::Typing, "Dana"), "Dana is typing…");
        assert_eq!(Texts::default().get(Text::Send), "");
    }
}

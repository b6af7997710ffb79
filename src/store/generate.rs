//! Generated bulk data for `orderdesk demo --customers N --items M`: many
//! realistic customers and items on top of the demo data, for trying the
//! console (and measuring its searches) at a realistic size.
//!
//! Deterministic: the same counts on the same database give the same rows.
//! Every generated customer has the password [`GENERATED_PASSWORD`]; the
//! challenge answers are those of the demo customers with the same question.
//! Argon2 is slow on purpose, so each secret is hashed once and the PHC
//! string reused.
//!
//! The search keys (`*_key` columns) are made by the one function every
//! writer uses (`SearchKeys::of`): search correctness depends on it.

use super::demo::{demo_customers, demo_items, insert_addresses, insert_item, AddressA};
use super::Store;
use crate::domain::search_keys::{KeySource, SearchKeys};
use crate::domain::secret;
use crate::domain::text::fold;
use anyhow::{anyhow, Context, Result};
use chrono::{Duration, NaiveDate};
use fastrand::Rng;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The password of every generated customer.
pub const GENERATED_PASSWORD: &str = "Demo-pass-1";

/// The seed of the generator: the same database and counts give the same data.
const SEED: u64 = 0x0D0E_5EED_2024;

/// Below this many new customers the indexes stay in place; above it they
/// are dropped and rebuilt, which is faster than updating them row by row.
const REBUILD_INDEXES_FROM: u64 = 50_000;

/// Progress is reported every this many rows.
const PROGRESS_EVERY: u64 = 10_000;

// ---------------------------------------------------------------------------
// Name pools, by origin.

struct Origin {
    female: &'static [&'static str],
    male: &'static [&'static str],
    last: &'static [&'static str],
    /// The language such a customer most likely prefers in their country
    /// (None: the country's language).
    language: Option<&'static str>,
}

const ENGLISH: Origin = Origin {
    female: &[
        "Mary",
        "Patricia",
        "Jennifer",
        "Linda",
        "Elizabeth",
        "Barbara",
        "Susan",
        "Jessica",
        "Sarah",
        "Karen",
        "Lisa",
        "Nancy",
        "Betty",
        "Sandra",
        "Emily",
        "Ashley",
        "Kimberly",
        "Donna",
        "Michelle",
        "Amanda",
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Poppy",
        "Grace",
        "Charlotte",
        "Harper",
        "Abigail",
        "Madison",
        "Zoë",
        "Chloë",
        "Renée",
        "Brontë",
        "Naïma",
        "Evie",
        "Ruby",
        "Hannah",
        "Megan",
        "Rachel",
    ],
    male: &[
        "James",
        "Robert",
        "John",
        "Michael",
        "David",
        "William",
        "Richard",
        "Joseph",
        "Thomas",
        "Christopher",
        "Daniel",
        "Matthew",
        "Anthony",
        "Mark",
        "Steven",
        "Andrew",
        "Joshua",
        "Kevin",
        "Brian",
        "Jason",
        "Oliver",
        "Harry",
        "George",
        "Jack",
        "Charlie",
        "Alfie",
        "Noah",
        "Leo",
        "Ethan",
        "Samuel",
        "Noël",
        "Zachary",
        "Tyler",
        "Benjamin",
        "Henry",
        "Owen",
        "Lucas",
        "Nathan",
        "Aaron",
        "Peter",
    ],
    last: &[
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Moore",
        "Jackson",
        "Martin",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
        "Robinson",
        "Walker",
        "Young",
        "Allen",
        "King",
        "Wright",
        "Scott",
        "Hill",
        "Green",
        "Adams",
        "Nelson",
        "Baker",
        "Hall",
        "Campbell",
        "Mitchell",
        "Carter",
        "Roberts",
        "Evans",
        "Turner",
        "Parker",
        "Collins",
        "Edwards",
        "Stewart",
        "Morris",
        "Murphy",
        "Cook",
        "Rogers",
        "Morgan",
        "Cooper",
        "Peterson",
        "Bailey",
        "Reed",
        "Kelly",
        "Howard",
        "Cox",
        "Ward",
        "Richardson",
        "Watson",
        "Brooks",
        "Wood",
        "James",
        "Bennett",
        "Gray",
        "Hughes",
        "Price",
        "Sanders",
        "Myers",
        "Long",
        "Ross",
        "Foster",
        "Davies",
        "Clarke",
        "McDonald",
        "MacLeod",
        "O'Connor",
        "Fitzgerald",
        "St. John",
        "Ashworth",
        "Pemberton",
        "Whitfield",
        "Hargreaves",
        "Blackwood",
    ],
    language: None,
};

const SPANISH: Origin = Origin {
    female: &[
        "María",
        "Lucía",
        "Sofía",
        "Inés",
        "Begoña",
        "Nuria",
        "Ana",
        "Carmen",
        "Isabel",
        "Mónica",
        "Verónica",
        "Rocío",
        "Pilar",
        "Guadalupe",
        "Ximena",
        "Valentina",
        "Camila",
        "Daniela",
        "Paula",
        "Elena",
    ],
    male: &[
        "José",
        "Martín",
        "Ramón",
        "Álvaro",
        "Íñigo",
        "Jesús",
        "Ángel",
        "Raúl",
        "Andrés",
        "Rubén",
        "Sebastián",
        "Joaquín",
        "Tomás",
        "Carlos",
        "Javier",
        "Diego",
        "Mateo",
        "Alejandro",
        "Héctor",
        "Óscar",
    ],
    last: &[
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Jiménez",
        "Ruiz",
        "Hernández",
        "Díaz",
        "Moreno",
        "Muñoz",
        "Álvarez",
        "Romero",
        "Núñez",
        "Ñúñez",
        "Peña",
        "Ibáñez",
        "Castaño",
        "Cañete",
        "Ordóñez",
        "Rivera",
        "Torres",
        "Flores",
        "Ramírez",
        "Cruz",
        "Vázquez",
        "Domínguez",
        "Gutiérrez",
        "Mendoza",
        "Castillo",
        "Ortiz",
        "Morales",
        "Delgado",
        "Suárez",
        "Ramos",
        "Cortés",
    ],
    language: Some("es"),
};

const GERMAN: Origin = Origin {
    female: &[
        "Anna",
        "Lena",
        "Leonie",
        "Mia",
        "Hannah",
        "Katrin",
        "Sabine",
        "Ulrike",
        "Käthe",
        "Dörte",
        "Jülide",
        "Annegret",
        "Birgit",
        "Franziska",
        "Greta",
        "Lotte",
        "Marlene",
        "Sünje",
        "Heike",
        "Jutta",
    ],
    male: &[
        "Jürgen",
        "Günter",
        "Jörg",
        "Björn",
        "Lukas",
        "Jonas",
        "Maximilian",
        "Felix",
        "Paul",
        "Tobias",
        "Uwe",
        "Matthias",
        "Stefan",
        "Jörn",
        "Käto",
        "Dieter",
        "Klaus",
        "Wolfgang",
        "Moritz",
        "Malte",
    ],
    last: &[
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Schäfer",
        "Koch",
        "Bauer",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Schwarz",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hofmann",
        "Hartmann",
        "Lange",
        "Schmitt",
        "Werner",
        "Krause",
        "Meier",
        "Lehmann",
        "Köhler",
        "Weiß",
        "Groß",
        "Jäger",
        "Böhm",
        "Günther",
        "Vogel",
        "Fuchs",
        "Dürr",
        "von Bülow",
    ],
    language: None,
};

const FRENCH: Origin = Origin {
    female: &[
        "Amélie",
        "Hélène",
        "Zoé",
        "Léa",
        "Chloé",
        "Élodie",
        "Gaëlle",
        "Anaïs",
        "Céline",
        "Camille",
        "Manon",
        "Inès",
        "Maëlle",
        "Océane",
        "Léonie",
        "Noémie",
        "Françoise",
        "Geneviève",
        "Solène",
        "Agnès",
    ],
    male: &[
        "François",
        "Jérôme",
        "Clément",
        "Benoît",
        "Noël",
        "Joël",
        "Loïc",
        "Théo",
        "Mathéo",
        "Louis",
        "Hugo",
        "Raphaël",
        "Gaël",
        "Étienne",
        "André",
        "Frédéric",
        "Rémi",
        "Cédric",
        "Maël",
        "Jean-Pierre",
    ],
    last: &[
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefèvre",
        "Michel",
        "David",
        "Bertrand",
        "Roux",
        "Vincent",
        "Fournier",
        "Morel",
        "Girard",
        "André",
        "Lefebvre",
        "Mercier",
        "Dupont",
        "Lambert",
        "Bonnet",
        "François",
        "Gagnon",
        "Tremblay",
        "Côté",
        "Bélanger",
        "Lévesque",
        "Bouchard",
        "Gauthier",
        "Pelletier",
        "Désiré",
        "Lemaître",
        "Chevalier",
        "D'Aubigné",
    ],
    language: Some("fr"),
};

const IRISH: Origin = Origin {
    female: &[
        "Siobhán", "Aoife", "Niamh", "Caoimhe", "Éabha", "Saoirse", "Róisín", "Clodagh", "Gráinne",
        "Sinéad", "Orla", "Ciara", "Aisling", "Máire", "Fiona",
    ],
    male: &[
        "Seán", "Pádraig", "Ciarán", "Oisín", "Declan", "Éamon", "Cathal", "Darragh", "Liam",
        "Cian", "Tadhg", "Rónán", "Colm", "Fionn", "Diarmuid",
    ],
    last: &[
        "O'Brien",
        "O'Sullivan",
        "Murphy",
        "Kelly",
        "Walsh",
        "Byrne",
        "Ryan",
        "O'Connor",
        "O'Neill",
        "Doyle",
        "McCarthy",
        "Gallagher",
        "Ó Súilleabháin",
        "Ní Bhriain",
        "Mac Giolla",
        "Kennedy",
        "Lynch",
        "Quinn",
        "Brennan",
        "Fitzpatrick",
        "Ó Briain",
        "McGrath",
        "Nolan",
        "Dunne",
        "Keane",
    ],
    language: None,
};

const NORDIC: Origin = Origin {
    female: &[
        "Åsa", "Mette", "Sigrid", "Ingrid", "Astrid", "Freja", "Linnéa", "Solveig", "Märta", "Ylva",
    ],
    male: &[
        "Søren", "Bjørn", "Ørjan", "Lars", "Mikkel", "Þór", "Håkan", "Jørgen", "Ásgeir", "Nils",
    ],
    last: &[
        "Lindqvist",
        "Nielsen",
        "Jensen",
        "Hansen",
        "Pedersen",
        "Andersen",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Sørensen",
        "Kjær",
        "Løkke",
        "Åberg",
        "Öberg",
        "Strøm",
        "Bjørklund",
        "Håkansson",
        "Þórsdóttir",
        "Ångström",
    ],
    language: None,
};

const JAPANESE: Origin = Origin {
    female: &[
        "Yuki", "Sakura", "Yui", "Aoi", "Akiko", "Yūko", "Emi", "Misaki", "Haruka", "Yōko",
        "Keiko", "Naoko", "Rin", "Hina", "Mio",
    ],
    male: &[
        "Hiroshi", "Haruto", "Sōta", "Ren", "Takashi", "Kenji", "Shōta", "Kōji", "Daiki", "Ryō",
        "Takumi", "Yūto", "Kazuki", "Shun", "Yūsuke",
    ],
    last: &[
        "Tanaka",
        "Suzuki",
        "Satō",
        "Takahashi",
        "Watanabe",
        "Itō",
        "Yamamoto",
        "Nakamura",
        "Kobayashi",
        "Katō",
        "Yoshida",
        "Yamada",
        "Sasaki",
        "Yamaguchi",
        "Matsumoto",
        "Inoue",
        "Kimura",
        "Hayashi",
        "Shimizu",
        "Saitō",
        "Ōno",
        "Gotō",
        "Kondō",
        "Ishikawa",
        "Maeda",
    ],
    language: Some("ja"),
};

const SLAVIC: Origin = Origin {
    female: &[
        "Małgorzata",
        "Zofia",
        "Agnieszka",
        "Katarzyna",
        "Žofie",
        "Tereza",
        "Alžběta",
        "Jadwiga",
    ],
    male: &[
        "Łukasz",
        "Wojciech",
        "Paweł",
        "Krzysztof",
        "Jiří",
        "Tomáš",
        "Václav",
        "Zbigniew",
    ],
    last: &[
        "Kowalski",
        "Wiśniewski",
        "Wójcik",
        "Dąbrowski",
        "Łukaszewicz",
        "Nowak",
        "Kamiński",
        "Zieliński",
        "Dvořák",
        "Novák",
        "Svoboda",
        "Černý",
        "Procházka",
        "Kučera",
        "Szymański",
        "Woźniak",
    ],
    language: None,
};

const VIETNAMESE: Origin = Origin {
    female: &["Thảo", "Hương", "Lan", "Ngọc", "Linh", "Trang"],
    male: &["Minh", "Dũng", "Tuấn", "Quang", "Hùng", "Khoa"],
    last: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ",
    ],
    language: None,
};

const INDIAN: Origin = Origin {
    female: &[
        "Priya", "Ananya", "Aditi", "Kavya", "Deepika", "Lakshmi", "Neha", "Shreya",
    ],
    male: &[
        "Arjun", "Rohan", "Vikram", "Rahul", "Sanjay", "Aarav", "Karthik", "Nikhil",
    ],
    last: &[
        "Patel",
        "Sharma",
        "Singh",
        "Gupta",
        "Iyer",
        "Reddy",
        "Nair",
        "Desai",
        "Mehta",
        "Chatterjee",
        "Kapoor",
        "Rao",
    ],
    language: None,
};

const EAST_ASIAN: Origin = Origin {
    female: &[
        "Mei", "Jing", "Yan", "Xiu", "Seo-yeon", "Ha-eun", "Ji-woo", "Lian",
    ],
    male: &[
        "Wei",
        "Jun",
        "Hao",
        "Xiaoming",
        "Min-jun",
        "Ji-ho",
        "Seung-woo",
        "Zhen",
    ],
    last: &[
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Kim", "Lee",
        "Park", "Choi", "Jung", "Kang",
    ],
    language: None,
};

const PORTUGUESE: Origin = Origin {
    female: &["Conceição", "Joana", "Inês", "Beatriz", "Mariana", "Luísa"],
    male: &["João", "Gonçalo", "Tiago", "Rui", "Sebastião", "Luís"],
    last: &[
        "Silva",
        "Santos",
        "Ferreira",
        "Pereira",
        "Oliveira",
        "Costa",
        "Gonçalves",
        "Simões",
        "Magalhães",
        "Araújo",
    ],
    language: None,
};

const TURKISH: Origin = Origin {
    female: &["Ayşe", "Elif", "Zeynep", "Gülşen", "Özlem", "Büşra"],
    male: &["Mehmet", "Mustafa", "Çağlar", "Burak", "Oğuz", "Emre"],
    last: &[
        "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Özdemir", "Arslan",
        "Doğan",
    ],
    language: None,
};

const ITALIAN: Origin = Origin {
    female: &[
        "Francesca",
        "Chiara",
        "Giulia",
        "Sofia",
        "Elena",
        "Martina",
        "Federica",
        "Lucia",
    ],
    male: &[
        "Giuseppe",
        "Giovanni",
        "Alessandro",
        "Matteo",
        "Lorenzo",
        "Niccolò",
        "Andrea",
        "Nicolò",
    ],
    last: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti",
    ],
    language: None,
};

const ORIGINS: [&Origin; 14] = [
    &ENGLISH,
    &SPANISH,
    &GERMAN,
    &FRENCH,
    &IRISH,
    &NORDIC,
    &JAPANESE,
    &SLAVIC,
    &VIETNAMESE,
    &INDIAN,
    &EAST_ASIAN,
    &PORTUGUESE,
    &TURKISH,
    &ITALIAN,
];
const O_EN: usize = 0;
const O_ES: usize = 1;
const O_DE: usize = 2;
const O_FR: usize = 3;
const O_IE: usize = 4;
const O_NORDIC: usize = 5;
const O_JP: usize = 6;
const O_SLAVIC: usize = 7;
const O_VN: usize = 8;
const O_IN: usize = 9;
const O_EASTASIA: usize = 10;
const O_PT: usize = 11;
const O_TR: usize = 12;
const O_IT: usize = 13;

// ---------------------------------------------------------------------------
// Countries: cities with their postal-code prefixes and telephone areas.

struct City {
    name: &'static str,
    region: &'static str,
    /// Postal-code prefixes (US/DE/FR: leading digits; GB/CA/IE: outward
    /// code / FSA / routing key; JP: first three digits).
    postal: &'static [&'static str],
    /// Telephone area codes, national form without the trunk prefix.
    area: &'static [&'static str],
    /// Streets (JP: districts) typical of the city; empty: the country's.
    streets: &'static [&'static str],
}

struct Country {
    code: &'static str,
    currency: &'static str,
    language: &'static str,
    weight: u32,
    origins: &'static [(usize, u32)],
    cities: &'static [City],
    streets: &'static [&'static str],
    email_domains: &'static [&'static str],
}

const fn city(
    name: &'static str,
    region: &'static str,
    postal: &'static [&'static str],
    area: &'static [&'static str],
) -> City {
    City {
        name,
        region,
        postal,
        area,
        streets: &[],
    }
}

const US_STREETS: &[&str] = &[
    "Elm Street",
    "Oak Avenue",
    "Maple Drive",
    "Main Street",
    "Washington Boulevard",
    "Park Avenue",
    "Cedar Lane",
    "Lakeview Drive",
    "Sunset Boulevard",
    "Pine Street",
    "Highland Avenue",
    "Church Street",
    "Mill Road",
    "Willow Court",
    "Jefferson Street",
    "Riverside Drive",
    "Hillcrest Road",
    "Magnolia Way",
    "Birch Street",
    "Cherry Lane",
    "Forest Avenue",
    "Meadow Lane",
    "Spring Street",
    "Chestnut Street",
    "Broadway",
];
const CA_STREETS: &[&str] = &[
    "Yonge Street",
    "Queen Street West",
    "Rue Saint-Denis",
    "Boulevard René-Lévesque Ouest",
    "Granville Street",
    "Avenue du Mont-Royal Est",
    "Bloor Street East",
    "Rue Sainte-Catherine",
    "Robson Street",
    "Portage Avenue",
    "Jasper Avenue",
    "Spring Garden Road",
    "Rue de la Montagne",
    "Bank Street",
    "King Street East",
];
const GB_STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Queen's Road",
    "Mill Lane",
    "The Crescent",
    "Albert Street",
    "Park Road",
    "London Road",
    "Green Lane",
    "Manor Road",
    "King's Avenue",
    "St. Mary's Close",
    "Orchard Way",
    "Windsor Gardens",
];
const DE_STREETS: &[&str] = &[
    "Hauptstraße",
    "Schillerstraße",
    "Goethestraße",
    "Bahnhofstraße",
    "Lindenstraße",
    "Gartenweg",
    "Am Mühlbach",
    "Königsallee",
    "Friedrichstraße",
    "Torstraße",
    "Schlossstraße",
    "Bergstraße",
    "Kirchgasse",
    "Rosenweg",
    "Am Marktplatz",
    "Brückenstraße",
    "Lessingstraße",
    "Mozartstraße",
];
const FR_STREETS: &[&str] = &[
    "Rue de la République",
    "Rue Victor-Hugo",
    "Avenue Jean-Jaurès",
    "Boulevard Saint-Germain",
    "Place de l'Église",
    "Rue du Général-de-Gaulle",
    "Chemin des Écoliers",
    "Impasse des Lilas",
    "Rue Pasteur",
    "Allée des Châtaigniers",
    "Rue de la Paix",
    "Quai de la Tournelle",
    "Rue des Écoles",
    "Avenue Foch",
    "Rue du Faubourg Saint-Honoré",
];
const IE_STREETS: &[&str] = &[
    "Main Street",
    "O'Connell Street",
    "Merrion Square",
    "Patrick Street",
    "Shop Street",
    "Church Road",
    "Grafton Street",
    "Dame Street",
    "Oliver Plunkett Street",
    "Eyre Square",
    "Bóthar na Trá",
    "Sráid an Mhuilinn",
];

const US_CITIES: &[City] = &[
    city(
        "New York",
        "NY",
        &["100", "101", "102", "103", "104"],
        &["212", "646", "917"],
    ),
    city("Brooklyn", "NY", &["112"], &["718", "347"]),
    city("Chicago", "IL", &["606", "607"], &["312", "773"]),
    city("Springfield", "IL", &["627"], &["217"]),
    city("Austin", "TX", &["787"], &["512", "737"]),
    city("Houston", "TX", &["770", "772"], &["713", "832"]),
    city("Los Angeles", "CA", &["900", "901"], &["213", "310", "323"]),
    city("San Francisco", "CA", &["941"], &["415", "628"]),
    city("Seattle", "WA", &["981"], &["206"]),
    city("Portland", "OR", &["972"], &["503", "971"]),
    city("Denver", "CO", &["802"], &["303", "720"]),
    city("Phoenix", "AZ", &["850"], &["602", "480"]),
    city("Miami", "FL", &["331"], &["305", "786"]),
    city("Atlanta", "GA", &["303"], &["404", "678"]),
    city("Boston", "MA", &["021", "022"], &["617", "857"]),
    city("Philadelphia", "PA", &["191"], &["215", "267"]),
    city("Minneapolis", "MN", &["554"], &["612"]),
    city("New Orleans", "LA", &["701"], &["504"]),
    city("Charlotte", "NC", &["282"], &["704", "980"]),
    city("Albuquerque", "NM", &["871"], &["505"]),
];
const CA_CITIES: &[City] = &[
    city(
        "Toronto",
        "ON",
        &["M5V", "M4C", "M6G", "M5A", "M4Y"],
        &["416", "647"],
    ),
    city("Ottawa", "ON", &["K1P", "K2P", "K1N"], &["613"]),
    city(
        "Montréal",
        "QC",
        &["H2X", "H3B", "H2T", "H4A"],
        &["514", "438"],
    ),
    city("Québec", "QC", &["G1R", "G1K"], &["418"]),
    city("Vancouver", "BC", &["V6B", "V5K", "V6K"], &["604", "778"]),
    city("Calgary", "AB", &["T2P", "T3A"], &["403"]),
    city("Halifax", "NS", &["B3H", "B3K"], &["902"]),
    city("Winnipeg", "MB", &["R3C", "R2W"], &["204"]),
];
const GB_CITIES: &[City] = &[
    city(
        "London",
        "",
        &["SW1A", "EC1A", "N1", "E2", "SE1", "W1D", "NW3", "WC2H"],
        &["20"],
    ),
    city("Manchester", "", &["M1", "M4", "M20"], &["161"]),
    city("Birmingham", "", &["B1", "B15", "B29"], &["121"]),
    city("Edinburgh", "", &["EH1", "EH3", "EH9"], &["131"]),
    city("Glasgow", "", &["G1", "G12", "G41"], &["141"]),
    city("Bristol", "", &["BS1", "BS8"], &["117"]),
    city("Leeds", "", &["LS1", "LS6"], &["113"]),
    city("Cardiff", "", &["CF10", "CF24"], &["29"]),
];
const DE_CITIES: &[City] = &[
    city("Berlin", "", &["10", "12", "13"], &["30"]),
    city("München", "", &["80", "81"], &["89"]),
    city("Hamburg", "", &["20", "22"], &["40"]),
    city("Köln", "", &["50", "51"], &["221"]),
    city("Frankfurt am Main", "", &["60"], &["69"]),
    city("Stuttgart", "", &["70"], &["711"]),
    city("Düsseldorf", "", &["40"], &["211"]),
    city("Leipzig", "", &["04"], &["341"]),
    city("Nürnberg", "", &["90"], &["911"]),
    city("Lübeck", "", &["23"], &["451"]),
];
const FR_CITIES: &[City] = &[
    city("Paris", "", &["750"], &["1"]),
    city("Lyon", "", &["6900"], &["4"]),
    city("Marseille", "", &["130"], &["4"]),
    city("Toulouse", "", &["310"], &["5"]),
    city("Bordeaux", "", &["330"], &["5"]),
    city("Lille", "", &["590"], &["3"]),
    city("Nantes", "", &["440"], &["2"]),
    city("Nice", "", &["060"], &["4"]),
    city("Besançon", "", &["250"], &["3"]),
    city("Orléans", "", &["450"], &["2"]),
];
const IE_CITIES: &[City] = &[
    city(
        "Dublin",
        "Co. Dublin",
        &["D01", "D02", "D04", "D06", "D08", "D15"],
        &["1"],
    ),
    city("Cork", "Co. Cork", &["T12", "T23"], &["21"]),
    city("Galway", "Co. Galway", &["H91"], &["91"]),
    city("Limerick", "Co. Limerick", &["V94"], &["61"]),
    city("Waterford", "Co. Waterford", &["X91"], &["51"]),
];
const JP_CITIES: &[City] = &[
    City {
        name: "Shibuya-ku",
        region: "Tokyo",
        postal: &["150", "151"],
        area: &["3"],
        streets: &["Shibuya", "Jingūmae", "Ebisu", "Sendagaya"],
    },
    City {
        name: "Shinjuku-ku",
        region: "Tokyo",
        postal: &["160", "162"],
        area: &["3"],
        streets: &["Nishi-Shinjuku", "Kabukichō", "Yotsuya", "Ōkubo"],
    },
    City {
        name: "Minato-ku",
        region: "Tokyo",
        postal: &["105", "106", "107"],
        area: &["3"],
        streets: &["Roppongi", "Akasaka", "Shiba", "Azabu-Jūban"],
    },
    City {
        name: "Chiyoda-ku",
        region: "Tokyo",
        postal: &["100", "101"],
        area: &["3"],
        streets: &["Marunouchi", "Kanda", "Kudan-Minami"],
    },
    City {
        name: "Kita-ku",
        region: "Osaka",
        postal: &["530"],
        area: &["6"],
        streets: &["Umeda", "Tenjinbashi", "Nakazakinishi"],
    },
    City {
        name: "Nakagyō-ku",
        region: "Kyoto",
        postal: &["604"],
        area: &["75"],
        streets: &["Karasuma", "Sanjō", "Nishikikōji"],
    },
    City {
        name: "Naka-ku",
        region: "Kanagawa",
        postal: &["231"],
        area: &["45"],
        streets: &["Yamashitachō", "Motomachi", "Kannai"],
    },
    City {
        name: "Chūō-ku",
        region: "Hokkaidō",
        postal: &["060"],
        area: &["11"],
        streets: &["Ōdōri-Nishi", "Minami-Ichijō"],
    },
    City {
        name: "Hakata-ku",
        region: "Fukuoka",
        postal: &["812"],
        area: &["92"],
        streets: &["Hakata-ekimae", "Gion-machi"],
    },
];

const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        currency: "USD",
        language: "en",
        weight: 45,
        origins: &[
            (O_EN, 55),
            (O_ES, 15),
            (O_DE, 4),
            (O_IT, 4),
            (O_IE, 4),
            (O_SLAVIC, 3),
            (O_VN, 3),
            (O_IN, 4),
            (O_EASTASIA, 4),
            (O_FR, 2),
            (O_NORDIC, 2),
        ],
        cities: US_CITIES,
        streets: US_STREETS,
        email_domains: &[
            "example.com",
            "example.net",
            "example.org",
            "mail.example.com",
        ],
    },
    Country {
        code: "CA",
        currency: "CAD",
        language: "en",
        weight: 10,
        origins: &[
            (O_EN, 45),
            (O_FR, 30),
            (O_EASTASIA, 6),
            (O_IN, 6),
            (O_IT, 3),
            (O_IE, 3),
            (O_PT, 3),
            (O_SLAVIC, 2),
            (O_VN, 2),
        ],
        cities: CA_CITIES,
        streets: CA_STREETS,
        email_domains: &["example.ca", "example.com", "example.net"],
    },
    Country {
        code: "GB",
        currency: "GBP",
        language: "en",
        weight: 14,
        origins: &[
            (O_EN, 70),
            (O_IE, 8),
            (O_IN, 10),
            (O_SLAVIC, 4),
            (O_IT, 2),
            (O_FR, 2),
            (O_NORDIC, 2),
            (O_ES, 2),
        ],
        cities: GB_CITIES,
        streets: GB_STREETS,
        email_domains: &["example.co.uk", "example.com", "example.org.uk"],
    },
    Country {
        code: "DE",
        currency: "EUR",
        language: "de",
        weight: 12,
        origins: &[
            (O_DE, 80),
            (O_TR, 8),
            (O_SLAVIC, 5),
            (O_IT, 3),
            (O_NORDIC, 2),
            (O_FR, 2),
        ],
        cities: DE_CITIES,
        streets: DE_STREETS,
        email_domains: &["example.de", "example.com", "mail.example.de"],
    },
    Country {
        code: "FR",
        currency: "EUR",
        language: "fr",
        weight: 9,
        origins: &[
            (O_FR, 80),
            (O_ES, 5),
            (O_PT, 5),
            (O_IT, 5),
            (O_DE, 2),
            (O_VN, 3),
        ],
        cities: FR_CITIES,
        streets: FR_STREETS,
        email_domains: &["example.fr", "example.com", "courriel.example.fr"],
    },
    Country {
        code: "IE",
        currency: "EUR",
        language: "en",
        weight: 4,
        origins: &[(O_IE, 70), (O_EN, 20), (O_SLAVIC, 6), (O_ES, 2), (O_IN, 2)],
        cities: IE_CITIES,
        streets: IE_STREETS,
        email_domains: &["example.ie", "example.com"],
    },
    Country {
        code: "JP",
        currency: "JPY",
        language: "ja",
        weight: 6,
        origins: &[(O_JP, 95), (O_EN, 2), (O_EASTASIA, 3)],
        cities: JP_CITIES,
        streets: &[],
        email_domains: &["example.jp", "example.ne.jp", "example.com"],
    },
];

const EXTRA_NICKNAMES: &[&str] = &[
    "Work",
    "Office",
    "Cabin",
    "Parents",
    "Holiday home",
    "Studio",
    "Lake house",
    "Mum's",
    "Grandparents",
    "Warehouse",
];

const AGE_RANGES: &[&str] = &["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
const INCOME_RANGES: &[&str] = &[
    "<25k",
    "25k-50k",
    "50k-75k",
    "75k-100k",
    "100k-150k",
    "150k+",
];
const MARITAL: &[&str] = &["single", "married", "partnered", "divorced", "widowed"];
const CHILDREN: &[&str] = &["0", "1", "2", "3", "4+"];
const HOUSEHOLD: &[&str] = &["1", "2", "3", "4", "5", "6+"];
const CARD_BRANDS: &[&str] = &[
    "VISA",
    "VISA",
    "MASTERCARD",
    "MASTERCARD",
    "AMEX",
    "DISCOVER",
];

// ---------------------------------------------------------------------------
// Item pools.

const ADJECTIVES: &[&str] = &[
    "Rugged",
    "Compact",
    "Classic",
    "Alpine",
    "Coastal",
    "Urban",
    "Heritage",
    "Trail",
    "Summit",
    "Featherweight",
    "Insulated",
    "Waterproof",
    "Breathable",
    "Packable",
    "Reversible",
    "Weekend",
    "Expedition",
    "Everyday",
    "Nordic",
    "Highland",
    "Canyon",
    "Glacier",
    "Prairie",
    "Harbor",
    "Ember",
    "Cascade",
    "Timber",
    "Meadow",
    "Aurora",
    "Boreal",
    "Tundra",
    "Sierra",
    "Pacific",
    "Atlas",
    "Voyager",
    "Pioneer",
    "Nomad",
    "Ranger",
    "Drift",
    "Solstice",
];
const MATERIALS: &[&str] = &[
    "Merino",
    "Cotton",
    "Linen",
    "Nylon",
    "Ripstop",
    "Canvas",
    "Leather",
    "Suede",
    "Wool",
    "Fleece",
    "Down",
    "Bamboo",
    "Cedar",
    "Oak",
    "Walnut",
    "Steel",
    "Titanium",
    "Aluminium",
    "Cast-Iron",
    "Copper",
    "Enamel",
    "Ceramic",
    "Stoneware",
    "Glass",
    "Silicone",
    "Cork",
    "Hemp",
    "Alpaca",
    "Cashmere",
    "Polyester",
];
const BOOK_TOPICS: &[&str] = &[
    "Birding",
    "Foraging",
    "Knots",
    "Camp Cooking",
    "Stargazing",
    "Mountain",
    "Coastal",
    "Wild Swimming",
    "Fly Fishing",
    "Bushcraft",
    "Sourdough",
    "Café",
    "Pâtisserie",
    "Garden",
    "Trail Running",
];
const COLORS: &[&str] = &[
    "Charcoal", "Forest", "Navy", "Sand", "Rust", "Slate", "Olive", "Ochre", "Sky", "Plum",
    "Stone", "Moss", "Crème", "Bordeaux", "Céladon",
];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];

fn nouns(category_code: &str) -> &'static [&'static str] {
    match category_code {
        "OUT-TENT" => &["Tent", "Shelter", "Tarp", "Bivy", "Canopy", "Footprint"],
        "OUT-SLEEP" => &[
            "Sleeping Bag",
            "Sleeping Pad",
            "Quilt",
            "Pillow",
            "Liner",
            "Hammock",
        ],
        "OUT-PACK" => &[
            "Backpack", "Daypack", "Duffel", "Hip Pack", "Dry Bag", "Tote",
        ],
        "OUT-LIGHT" => &[
            "Headlamp",
            "Lantern",
            "Flashlight",
            "Power Bank",
            "Solar Panel",
            "String Lights",
        ],
        "OUT-CAMPK" => &[
            "Stove",
            "Cook Set",
            "Mug",
            "Spork",
            "Water Filter",
            "Cooler",
        ],
        "OUT-CLIMB-ROPE" => &["Rope", "Sling", "Runner", "Cord", "Rope Bag"],
        "OUT-CLIMB-HW" => &[
            "Carabiner",
            "Belay Device",
            "Harness",
            "Nut Set",
            "Chalk Bag",
            "Helmet",
        ],
        "KIT-COFFEE" => &[
            "Pour-Over Dripper",
            "French Press",
            "Kettle",
            "Tea Infuser",
            "Grinder",
            "Tumbler",
        ],
        "KIT-COOK" => &[
            "Skillet",
            "Dutch Oven",
            "Saucepan",
            "Wok",
            "Baking Sheet",
            "Stockpot",
        ],
        "KIT-TOOL" => &[
            "Chef's Knife",
            "Cutting Board",
            "Spatula",
            "Whisk",
            "Tongs",
            "Peeler",
        ],
        "HOME-BED" => &[
            "Blanket",
            "Throw",
            "Duvet Cover",
            "Sheet Set",
            "Pillowcase",
            "Comforter",
        ],
        "HOME-DECOR" => &[
            "Candle",
            "Vase",
            "Picture Frame",
            "Wall Clock",
            "Cushion",
            "Planter",
        ],
        "HOME-GARDEN" => &[
            "Garden Chair",
            "Hose Reel",
            "Pruner",
            "Watering Can",
            "Bird Feeder",
            "Fire Pit",
        ],
        "APP-JACKET" => &["Jacket", "Vest", "Hoodie", "Anorak", "Parka", "Shell"],
        "APP-FOOT" => &[
            "Hiking Boot",
            "Trail Runner",
            "Sandal",
            "Sock",
            "Slipper",
            "Gaiter",
        ],
        "APP-ACC" => &["Beanie", "Gloves", "Scarf", "Cap", "Belt", "Sunglasses"],
        "GIFT-BOOK" => &[
            "Field Guide",
            "Cookbook",
            "Atlas",
            "Journal",
            "Handbook",
            "Almanac",
        ],
        _ => &["Kit", "Set", "Case", "Organizer", "Pouch", "Stand"],
    }
}

fn is_apparel(category_code: &str) -> bool {
    category_code.starts_with("APP-")
}

const USES: &[&str] = &[
    "for long days on the trail",
    "for weekend camping trips",
    "for everyday use around town",
    "for the home kitchen",
    "for cold mornings at base camp",
    "for café-style coffee at home",
    "for shoulder-season adventures",
    "for families who camp together",
    "for the garden and the patio",
    "for travellers who pack light",
    "for alpine starts and late finishes",
    "for gifting to someone outdoorsy",
];
const FEATURES: &[&str] = &[
    "Reinforced stitching at every stress point.",
    "Packs down small enough to fit in a jacket pocket.",
    "Tested in the Scottish Highlands and the Japanese Alps.",
    "Comes with a lifetime repair guarantee.",
    "Made in a family-run workshop in Portugal.",
    "Designed in Zürich and assembled by hand.",
    "Finished with a crème-coloured trim and brass hardware.",
    "Certified to bluesign® and Fair Trade standards.",
    "Dishwasher safe and easy to clean.",
    "Resists abrasion, stains and odours.",
    "Recycled fibres make up most of the fabric.",
    "Includes a storage sack and spare parts.",
    "Works with most accessories in the range.",
    "A favourite of our customer service team.",
    "Naïve simplicity, no fuss, no gimmicks.",
    "Ages beautifully with regular use.",
];
const CARE: &[&str] = &[
    "Hand wash cold and dry flat.",
    "Wipe clean with a damp cloth.",
    "Machine wash warm; tumble dry low.",
    "Season before first use.",
    "Store dry and out of direct sunlight.",
    "Re-proof once a season for best performance.",
];

// ---------------------------------------------------------------------------

/// A name from a pool with its plain ASCII letters (for logon IDs and
/// e-mail addresses).
struct Name {
    text: &'static str,
    ascii: String,
}

impl Name {
    fn new(text: &'static str) -> Name {
        let ascii = fold(text)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        Name { text, ascii }
    }
}

struct FoldedOrigin {
    female: Vec<Name>,
    male: Vec<Name>,
    last: Vec<Name>,
    language: Option<&'static str>,
}

fn fold_origins() -> Vec<FoldedOrigin> {
    ORIGINS
        .iter()
        .map(|o| {
            let names =
                |s: &'static [&'static str]| s.iter().map(|n| Name::new(n)).collect::<Vec<_>>();
            FoldedOrigin {
                female: names(o.female),
                male: names(o.male),
                last: names(o.last),
                language: o.language,
            }
        })
        .collect()
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn weighted<T>(rng: &mut Rng, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u32 = items.iter().map(&weight).sum();
    let mut roll = rng.u32(..total);
    for (i, item) in items.iter().enumerate() {
        let w = weight(item);
        if roll < w {
            return i;
        }
        roll -= w;
    }
    items.len() - 1
}

/// `n` random decimal digits.
fn num(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

fn letter(rng: &mut Rng, from: &[u8]) -> char {
    char::from(*pick(rng, from))
}

const UPPER: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
const GB_INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const EIRCODE: &[u8] = b"ACDEFHKNPRTVWXY0123456789";

/// A telephone number as customers write them in `country`, in one of its
/// usual formats, with or without the country code.
fn phone(rng: &mut Rng, country: &str, c: &City) -> String {
    let area = *pick(rng, c.area);
    match country {
        "US" | "CA" => {
            let exchange = format!("{}{}", rng.u8(2..10), num(rng, 2));
            let line = num(rng, 4);
            match rng.u8(0..6) {
                0 => format!("+1 {area} {exchange} {line}"),
                1 => format!("+1 ({area}) {exchange}-{line}"),
                2 => format!("({area}) {exchange}-{line}"),
                3 => format!("{area}-{exchange}-{line}"),
                4 => format!("{area}.{exchange}.{line}"),
                _ => format!("1-{area}-{exchange}-{line}"),
            }
        }
        "GB" => {
            if rng.u8(0..3) == 0 {
                let rest = format!("7{}", num(rng, 3));
                let sub = num(rng, 6);
                return if rng.bool() {
                    format!("+44 {rest} {sub}")
                } else {
                    format!("0{rest} {sub}")
                };
            }
            let (a, b) = if area.len() == 2 {
                (num(rng, 4), num(rng, 4))
            } else {
                (num(rng, 3), num(rng, 4))
            };
            match rng.u8(0..3) {
                0 => format!("+44 {area} {a} {b}"),
                1 => format!("+44 (0){area} {a} {b}"),
                _ => format!("0{area} {a} {b}"),
            }
        }
        "DE" => {
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &["151", "160", "170", "176"]).to_string();
                let sub = num(rng, 8);
                return if rng.bool() {
                    format!("+49 {pre} {sub}")
                } else {
                    format!("0{pre} {sub}")
                };
            }
            let len = 5 + rng.usize(0..3);
            let sub = format!("{}{}", rng.u8(1..10), num(rng, len));
            match rng.u8(0..4) {
                0 => format!("+49 {area} {sub}"),
                1 => format!("+49 (0){area} {sub}"),
                2 => format!("0{area}/{sub}"),
                _ => format!("0{area} {sub}"),
            }
        }
        "FR" => {
            let lead = if rng.u8(0..3) == 0 {
                pick(rng, &["6", "7"]).to_string()
            } else {
                area.to_string()
            };
            let pairs: Vec<String> = (0..4).map(|_| num(rng, 2)).collect();
            match rng.u8(0..3) {
                0 => format!("+33 {lead} {}", pairs.join(" ")),
                1 => format!("0{lead}.{}", pairs.join(".")),
                _ => format!("0{lead} {}", pairs.join(" ")),
            }
        }
        "IE" => {
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &["83", "85", "86", "87", "89"]).to_string();
                let (a, b) = (num(rng, 3), num(rng, 4));
                return if rng.bool() {
                    format!("+353 {pre} {a} {b}")
                } else {
                    format!("0{pre} {a} {b}")
                };
            }
            let (a, b) = (num(rng, 3), num(rng, 4));
            match rng.u8(0..3) {
                0 => format!("+353 {area} {a} {b}"),
                1 => format!("(0{area}) {a} {b}"),
                _ => format!("0{area} {a} {b}"),
            }
        }
        _ => {
            // JP: Tokyo and Osaka have 4+4 subscriber digits, others 3+4.
            if rng.u8(0..3) == 0 {
                let pre = pick(rng, &["90", "80", "70"]).to_string();
                let (a, b) = (num(rng, 4), num(rng, 4));
                return if rng.bool() {
                    format!("+81 {pre}-{a}-{b}")
                } else {
                    format!("0{pre}-{a}-{b}")
                };
            }
            let a = if area.len() == 1 {
                num(rng, 4)
            } else {
                num(rng, 3)
            };
            let b = num(rng, 4);
            match rng.u8(0..3) {
                0 => format!("+81 {area}-{a}-{b}"),
                1 => format!("+81 {area} {a} {b}"),
                _ => format!("0{area}-{a}-{b}"),
            }
        }
    }
}

fn postal_code(rng: &mut Rng, country: &str, c: &City) -> String {
    let prefix = *pick(rng, c.postal);
    match country {
        "US" => {
            let zip = format!("{prefix}{}", num(rng, 5 - prefix.len()));
            if rng.u8(0..8) == 0 {
                format!("{zip}-{}", num(rng, 4))
            } else {
                zip
            }
        }
        "CA" => format!(
            "{prefix} {}{}{}",
            rng.u8(0..10),
            letter(rng, UPPER),
            rng.u8(0..10)
        ),
        "GB" => format!(
            "{prefix} {}{}{}",
            rng.u8(0..10),
            letter(rng, GB_INWARD),
            letter(rng, GB_INWARD)
        ),
        "DE" => format!("{prefix}{}", num(rng, 5 - prefix.len())),
        "FR" => {
            if prefix == "750" {
                format!("750{:02}", rng.u8(1..21))
            } else {
                format!("{prefix}{}", num(rng, 5 - prefix.len()))
            }
        }
        "IE" => {
            let id: String = (0..4)
                .map(|i| {
                    if i == 0 {
                        letter(rng, &EIRCODE[..15])
                    } else {
                        letter(rng, EIRCODE)
                    }
                })
                .collect();
            format!("{prefix} {id}")
        }
        _ => format!("{prefix}-{}", num(rng, 4)),
    }
}

fn street_line(rng: &mut Rng, country: &Country, c: &City) -> (String, String) {
    let streets = if c.streets.is_empty() {
        country.streets
    } else {
        c.streets
    };
    let street = *pick(rng, streets);
    let n = rng.u32(1..400);
    let line1 = match country.code {
        "DE" => format!("{street} {}", rng.u32(1..180)),
        "FR" => {
            if rng.u8(0..8) == 0 {
                format!("{} bis {street}", rng.u32(1..120))
            } else {
                format!("{} {street}", rng.u32(1..120))
            }
        }
        "JP" => format!(
            "{}-{}-{} {street}",
            rng.u8(1..8),
            rng.u8(1..30),
            rng.u8(1..20)
        ),
        "US" => format!("{} {street}", rng.u32(1..9900)),
        _ => format!("{n} {street}"),
    };
    let line2 = if rng.u8(0..5) != 0 {
        String::new()
    } else {
        match country.code {
            "US" => format!(
                "{} {}",
                pick(rng, &["Apt", "Suite", "Unit", "#"]),
                rng.u32(1..2400)
            ),
            "CA" => format!(
                "{} {}",
                pick(rng, &["App.", "Unit", "Suite"]),
                rng.u32(1..2400)
            ),
            "GB" | "IE" => format!("Flat {}", rng.u32(1..60)),
            "DE" => pick(
                rng,
                &["Hinterhaus", "Seitenflügel links", "2. OG", "Gartenhaus"],
            )
            .to_string(),
            "FR" => format!(
                "{} {}",
                pick(rng, &["Bâtiment", "Appartement", "Escalier"]),
                rng.u32(1..40)
            ),
            _ => format!(
                "{} {}",
                pick(
                    rng,
                    &[
                        "Sunrise Mansion",
                        "Green Heights",
                        "Maison Sakura",
                        "Park Court"
                    ]
                ),
                rng.u32(101..1500)
            ),
        }
    };
    (line1, line2)
}

fn timestamp(day: NaiveDate, secs: u32) -> String {
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// An amount in minor units as the decimal text prices are stored in.
fn minor_text(minor: i64, minor_units: u32) -> String {
    if minor_units == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(minor_units);
    format!(
        "{}.{:0width$}",
        minor / scale,
        minor % scale,
        width = minor_units as usize
    )
}

/// Approximate value of one US dollar, for generated price lists.
fn usd_rate(currency: &str) -> Option<f64> {
    Some(match currency {
        "USD" => 1.0,
        "EUR" => 0.92,
        "GBP" => 0.79,
        "CAD" => 1.37,
        "JPY" => 150.0,
        _ => return None,
    })
}

/// A price in `minor_units` with a shop-like ending (.99, .95, .50, .00; yen
/// rounded to tens or hundreds).
fn price_in(usd_cents: i64, rate: f64, minor_units: u32, ending: i64) -> String {
    let value = usd_cents as f64 / 100.0 * rate;
    match minor_units {
        0 => {
            let step = if value >= 10_000.0 { 100.0 } else { 10.0 };
            let v = ((value / step).round() * step).max(step) as i64;
            v.to_string()
        }
        2 => {
            let whole = ((value + 1e-9).floor() as i64).max(0);
            minor_text(whole * 100 + ending, 2)
        }
        m => minor_text((value * 10f64.powi(m as i32)).round() as i64, m),
    }
}

struct Account {
    id: i64,
}

/// The connection settings a bulk load changes, to be put back afterwards.
struct SavedPragmas {
    /// True when the load switched the database out of WAL.
    left_wal: bool,
    synchronous: i64,
    cache_size: i64,
    temp_store: i64,
    foreign_keys: i64,
}

impl SavedPragmas {
    fn set_bulk(conn: &Connection) -> Result<SavedPragmas> {
        let get = |name: &str| -> Result<i64> {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .with_context(|| format!("PRAGMA {name}"))
        };
        // Out of WAL when no one else has the database open (else the
        // switch is refused and the load goes through the WAL): pages added
        // beyond the end of the file need no journal, so each page is
        // written once instead of to the WAL and again by the checkpoint.
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let left_wal = mode.eq_ignore_ascii_case("wal")
            && conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .map(|m| m.eq_ignore_ascii_case("delete"))
                .unwrap_or(false);
        let saved = SavedPragmas {
            left_wal,
            synchronous: get("synchronous")?,
            cache_size: get("cache_size")?,
            temp_store: get("temp_store")?,
            foreign_keys: get("foreign_keys")?,
        };
        // The load is one transaction, so an interrupted load leaves the
        // database as it was; syncing every page buys nothing. Every
        // reference written is valid by construction, so the per-row foreign
        // key checks are skipped too.
        conn.execute_batch(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
        )?;
        Ok(saved)
    }

    fn restore(&self, conn: &Connection) -> Result<()> {
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {}; PRAGMA cache_size = {}; PRAGMA temp_store = {}; PRAGMA foreign_keys = {};",
            self.synchronous, self.cache_size, self.temp_store, self.foreign_keys
        ))?;
        if self.left_wal {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(anyhow!(
                    "could not return the database to WAL mode (it is in {mode} mode)"
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Adds `customers` generated customers and `items` generated items to a
    /// database that already holds the demo data (currencies, price lists,
    /// categories, shipping). Deterministic for a given database and counts.
    /// `progress(done, total)` is called every 10,000 rows and at the end.
    pub fn generate(
        &mut self,
        customers: u64,
        items: u64,
        today: NaiveDate,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        self.generate_with(customers, items, today, progress, REBUILD_INDEXES_FROM)
    }

    /// [`Store::generate`], rebuilding the indexes instead of updating them
    /// from `rebuild_from` new rows on.
    fn generate_with(
        &mut self,
        customers: u64,
        items: u64,
        today: NaiveDate,
        progress: &mut dyn FnMut(u64, u64),
        rebuild_from: u64,
    ) -> Result<()> {
        let total = customers + items;
        progress(0, total);
        let existing: i64 = self
            .conn
            .query_row("SELECT count(*) FROM currencies", [], |r| r.get(0))?;
        if existing == 0 {
            return Err(anyhow!(
                "the database has no demo data; load the demo first"
            ));
        }
        // Secrets: hashed once each, before the write lock is taken.
        let password_hash = secret::hash(GENERATED_PASSWORD).map_err(|e| anyhow!(e))?;
        let mut challenges: Vec<(String, String)> = Vec::new();
        for c in demo_customers()? {
            if !challenges.iter().any(|(q, _)| *q == c.challenge_question) {
                let h = secret::hash(&secret::normalize_answer(&c.challenge_answer))
                    .map_err(|e| anyhow!(e))?;
                challenges.push((c.challenge_question.clone(), h));
            }
        }
        if challenges.is_empty() {
            challenges.push((
                "Favorite color?".into(),
                secret::hash("blue").map_err(|e| anyhow!(e))?,
            ));
        }

        let saved = SavedPragmas::set_bulk(&self.conn)?;
        let loaded = bulk_load(
            &mut self.conn,
            customers,
            items,
            rebuild_from,
            today,
            &Secrets {
                password_hash,
                challenges,
            },
            &mut |done| {
                if done % PROGRESS_EVERY == 0 {
                    progress(done, total);
                }
            },
        );
        let restored = saved.restore(&self.conn);
        loaded?;
        restored?;
        progress(total, total);
        // When the load had to go through the WAL (another connection was
        // open), fold it into the database file so the WAL does not stay
        // hundreds of megabytes long; otherwise this finds nothing to do.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(())
    }
}

/// The hashed secrets every generated customer shares: the password's, and
/// one answer's per challenge question.
struct Secrets {
    password_hash: String,
    challenges: Vec<(String, String)>,
}

/// The whole load in one transaction; `tick(done)` after every row.
fn bulk_load(
    conn: &mut Connection,
    customers: u64,
    items: u64,
    rebuild_from: u64,
    today: NaiveDate,
    secrets: &Secrets,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut done = 0u64;
    let mut count = |n: u64| {
        done += n;
        tick(done);
    };
    if customers > 0 {
        let dropped = if customers >= rebuild_from {
            drop_customer_indexes(&tx)?
        } else {
            Vec::new()
        };
        generate_customers(&tx, customers, today, secrets, &mut count)?;
        for (_, sql) in &dropped {
            tx.execute_batch(sql)?;
        }
    }
    if items > 0 {
        // The full-text index is built once at the end rather than row by
        // row (its incremental merges cost more than the rows themselves).
        let suspended = if items >= rebuild_from {
            suspend_fts_insert_trigger(&tx)?
        } else {
            None
        };
        generate_items(&tx, items, today, &mut count)?;
        if let Some(sql) = suspended {
            tx.execute_batch("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")?;
            tx.execute_batch(&sql)?;
        }
    }
    // Fresh statistics, so the planner picks the right index at this size.
    // (Sampled: exact counts would read every index in full for little gain.)
    tx.execute_batch("PRAGMA analysis_limit = 2000; ANALYZE; PRAGMA analysis_limit = 0;")?;
    tx.commit()?;
    Ok(())
}

/// Drops the trigger that copies new items into `items_fts` and returns its
/// exact `CREATE TRIGGER` text from the schema (None: there is none).
fn suspend_fts_insert_trigger(tx: &Transaction) -> Result<Option<String>> {
    let sql: Option<String> = tx
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_fts_insert'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if sql.is_some() {
        tx.execute_batch("DROP TRIGGER items_fts_insert")?;
    }
    Ok(sql)
}

/// Drops the customers' secondary indexes (not the UNIQUE logon constraint)
/// and returns their names and exact `CREATE INDEX` text from the schema.
fn drop_customer_indexes(tx: &Transaction) -> Result<Vec<(String, String)>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL AND name LIKE 'customers\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes)
}

fn generate_accounts(
    tx: &Transaction,
    rng: &mut Rng,
    count: u64,
    origins: &[FoldedOrigin],
) -> Result<Vec<Vec<Account>>> {
    let mut by_country: Vec<Vec<Account>> = COUNTRIES.iter().map(|_| Vec::new()).collect();
    let mut stmt = tx.prepare(
        "INSERT INTO business_accounts (name, name_key, currency, credit_limit, po_required) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for _ in 0..count {
        let ci = weighted(rng, COUNTRIES, |c| c.weight);
        let country = &COUNTRIES[ci];
        let oi = country.origins[weighted(rng, country.origins, |o| o.1)].0;
        let last = pick(rng, &origins[oi].last).text;
        let place = pick(rng, country.cities).name;
        let name = match country.code {
            "US" | "CA" => match rng.u8(0..6) {
                0 => format!("{last} Field Services"),
                1 => format!("{last} & Associates"),
                2 => format!("{place} Community Schools"),
                3 => format!("{last} Outfitters Inc."),
                4 => format!("{place} Medical Group"),
                _ => format!("{last} Construction Co."),
            },
            "GB" | "IE" => match rng.u8(0..4) {
                0 => format!("{last} & Sons Ltd"),
                1 => format!("{place} Schools Trust"),
                2 => format!("{last} Holdings Ltd"),
                _ => format!("{last} Outdoor Education Ltd"),
            },
            "DE" => match rng.u8(0..3) {
                0 => format!("{last} Bau GmbH"),
                1 => format!("{last} & Partner GmbH"),
                _ => format!("Stadtwerke {place}"),
            },
            "FR" => match rng.u8(0..3) {
                0 => format!("{last} et Fils SARL"),
                1 => format!("Atelier {last} SAS"),
                _ => format!("Mairie de {place}"),
            },
            _ => match rng.u8(0..2) {
                0 => format!("{last} Shōji KK"),
                _ => format!("{last} Sangyō KK"),
            },
        };
        let credit = if country.currency == "JPY" {
            pick(rng, &["500000", "1000000", "3000000"]).to_string()
        } else {
            pick(rng, &["2500.00", "5000.00", "10000.00", "25000.00"]).to_string()
        };
        stmt.execute(params![
            name,
            fold(&name),
            country.currency,
            credit,
            rng.u8(0..5) < 2
        ])?;
        by_country[ci].push(Account {
            id: tx.last_insert_rowid(),
        });
    }
    Ok(by_country)
}

fn generate_customers(
    tx: &Transaction,
    count: u64,
    today: NaiveDate,
    secrets: &Secrets,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    let Secrets {
        password_hash,
        challenges,
    } = secrets;
    let first_id: i64 =
        tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM customers", [], |r| {
            r.get(0)
        })?;
    let mut rng = Rng::with_seed(SEED ^ first_id as u64);
    let origins = fold_origins();
    // About one customer in fifty belongs to a business account; about ten
    // customers to each account.
    let accounts = generate_accounts(tx, &mut rng, (count / 500).max(1), &origins)?;
    let mut customer = tx.prepare(
        "INSERT INTO customers (id, logon_id, logon_key, password_hash, first_name, last_name, first_key, last_key,
            challenge_question, challenge_answer_hash, currency, language, phone, phone_key, phone_national_key,
            email, email_key, postal_key, account_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?;
    let mut demographics = tx.prepare(
        "INSERT INTO demographics (customer_id, gender, age_range, income_range, marital_status, children, household_size)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut card = tx.prepare(
        "INSERT INTO payment_methods (customer_id, kind, brand, last4, exp_month, exp_year, token, is_default)
         VALUES (?1, 'card', ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let year = chrono::Datelike::year(&today);
    let mut addresses: Vec<AddressA> = Vec::with_capacity(3);
    for n in 0..count as i64 {
        let id = first_id + n;
        let ci = weighted(&mut rng, COUNTRIES, |c| c.weight);
        let country = &COUNTRIES[ci];
        let oi = country.origins[weighted(&mut rng, country.origins, |o| o.1)].0;
        let o = &origins[oi];
        let gender = match rng.u8(0..100) {
            0 => "nonbinary",
            1 => "undisclosed",
            r if r < 51 => "female",
            _ => "male",
        };
        let first = if gender == "female" || (gender != "male" && rng.bool()) {
            pick(&mut rng, &o.female)
        } else {
            pick(&mut rng, &o.male)
        };
        let last = pick(&mut rng, &o.last);
        // Some Spanish speakers carry both family names.
        let second_last = (oi == O_ES && rng.u8(0..3) == 0).then(|| pick(&mut rng, &o.last));
        let last_text = match second_last {
            Some(s) => format!("{} {}", last.text, s.text),
            None => last.text.to_string(),
        };
        let last_ascii = last.ascii.as_str();

        let logon = match rng.u8(0..10) {
            0..=4 => format!(
                "{}{}{id}",
                &first.ascii[..1.min(first.ascii.len())],
                last_ascii
            ),
            5..=7 => format!("{}.{}{id}", first.ascii, last_ascii),
            8 => format!("{}_{}{id}", first.ascii, last_ascii),
            _ => format!(
                "{}{}{id}",
                last_ascii,
                &first.ascii[..1.min(first.ascii.len())]
            ),
        };
        let mut email_local = match rng.u8(0..5) {
            0 => format!("{}.{}", first.ascii, last_ascii),
            1 => format!("{}{}", first.ascii, last_ascii),
            2 => format!("{}{}", &first.ascii[..1.min(first.ascii.len())], last_ascii),
            3 => format!("{}_{}", first.ascii, last_ascii),
            _ => format!("{}.{}", last_ascii, first.ascii),
        };
        match rng.u8(0..10) {
            0..=3 => email_local.push_str(&rng.u32(1..10_000).to_string()),
            4..=5 => email_local.push_str(&rng.u32(1950..2006).to_string()),
            _ => {}
        }
        let email = format!("{email_local}@{}", pick(&mut rng, country.email_domains));

        let home = pick(&mut rng, country.cities);
        let phone_text = phone(&mut rng, country.code, home);
        let language = match o.language {
            Some(l) if l == country.language || rng.u8(0..5) < 2 => l,
            _ => country.language,
        };
        let (question, answer_hash) = pick(&mut rng, challenges.as_slice());

        // Address book: Home is the default shipping address; billing is
        // usually the same, sometimes the second address.
        addresses.clear();
        let count_addr = match rng.u8(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let billing_second = count_addr > 1 && rng.u8(0..6) == 0;
        let mut nick_start = rng.usize(..EXTRA_NICKNAMES.len());
        for a in 0..count_addr {
            let c = if a == 0 || rng.u8(0..3) != 0 {
                home
            } else {
                pick(&mut rng, country.cities)
            };
            let (line1, line2) = street_line(&mut rng, country, c);
            let nickname = if a == 0 {
                "Home".to_string()
            } else {
                nick_start = (nick_start + 1) % EXTRA_NICKNAMES.len();
                EXTRA_NICKNAMES[nick_start].to_string()
            };
            let recipient_first = if a > 0 && rng.u8(0..4) == 0 {
                let pool = if rng.bool() { &o.female } else { &o.male };
                pick(&mut rng, pool).text
            } else {
                first.text
            };
            addresses.push(AddressA {
                nickname,
                first_name: recipient_first.to_string(),
                last_name: last_text.clone(),
                line1,
                line2,
                city: c.name.to_string(),
                region: c.region.to_string(),
                postal_code: postal_code(&mut rng, country.code, c),
                country: country.code.to_string(),
                phone: if a == 0 && rng.bool() {
                    phone_text.clone()
                } else {
                    String::new()
                },
                default_shipping: a == 0,
                default_billing: if billing_second { a == 1 } else { a == 0 },
            });
        }

        let account = if rng.u8(0..50) == 0 {
            let list = if accounts[ci].is_empty() {
                accounts.iter().find(|l| !l.is_empty())
            } else {
                Some(&accounts[ci])
            };
            list.map(|l| pick(&mut rng, l).id)
        } else {
            None
        };

        let age_days = rng.i64(0..3650);
        let created_day = today - Duration::days(age_days);
        let created = timestamp(created_day, rng.u32(0..86_400));
        let updated = if rng.u8(0..3) == 0 {
            timestamp(
                created_day + Duration::days(rng.i64(0..=age_days)),
                rng.u32(0..86_400),
            )
        } else {
            created.clone()
        };

        let keys = SearchKeys::of(&KeySource {
            logon: Some(&logon),
            first: first.text,
            last: &last_text,
            email: &email,
            phone: &phone_text,
            postal: &addresses[0].postal_code,
            country: country.code,
        });
        customer.execute(params![
            id,
            logon,
            keys.logon,
            password_hash,
            first.text,
            last_text,
            keys.first,
            keys.last,
            question,
            answer_hash,
            country.currency,
            language,
            phone_text,
            keys.phone,
            keys.phone_national,
            email,
            keys.email,
            keys.postal,
            account,
            created,
            updated
        ])?;
        insert_addresses(tx, id, &addresses)?;
        if rng.bool() {
            demographics.execute(params![
                id,
                gender,
                pick(&mut rng, AGE_RANGES),
                pick(&mut rng, INCOME_RANGES),
                pick(&mut rng, MARITAL),
                pick(&mut rng, CHILDREN),
                pick(&mut rng, HOUSEHOLD)
            ])?;
        }
        let cards = match rng.u8(0..10) {
            0..=3 => 0,
            4..=8 => 1,
            _ => 2,
        };
        for k in 0..cards {
            card.execute(params![
                id,
                pick(&mut rng, CARD_BRANDS),
                num(&mut rng, 4),
                rng.u32(1..13),
                year + rng.i32(0..6),
                format!("tok_gen_{id}_{k}"),
                k == 0
            ])?;
        }
        tick(1);
    }
    Ok(())
}

fn generate_items(
    tx: &Transaction,
    count: u64,
    today: NaiveDate,
    tick: &mut dyn FnMut(u64),
) -> Result<()> {
    // Leaf categories only; gift cards are not generated (their price is their value).
    let categories: Vec<(i64, String)> = tx
        .prepare(
            "SELECT id, code FROM categories c
             WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = c.id) AND code <> 'GIFT-CARD'
             ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if categories.is_empty() {
        return Err(anyhow!(
            "the database has no categories; load the demo first"
        ));
    }
    let lists: Vec<(i64, String, u32, f64)> = tx
        .prepare("SELECT p.id, p.currency, c.minor_units FROM price_lists p JOIN currencies c ON c.code = p.currency ORDER BY p.id")?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?)))?
        .filter_map(|row| match row {
            Ok((id, cur, mu)) => usd_rate(&cur).map(|rate| Ok((id, cur, mu, rate))),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    let next: i64 = tx.query_row(
        "SELECT COALESCE(MAX(CAST(substr(sku, 5) AS INTEGER)), 0) + 1 FROM items WHERE sku LIKE 'GEN-%'",
        [],
        |r| r.get(0),
    )?;
    let mut rng = Rng::with_seed(SEED.rotate_left(17) ^ next as u64);
    // One scratch record, refilled for every item (insert_item reads only
    // the fields set here).
    let mut item = demo_items()?
        .pop()
        .ok_or_else(|| anyhow!("assets/items.json is empty"))?;
    item.prices.clear();
    let mut price =
        tx.prepare("INSERT INTO prices (price_list_id, item_id, amount) VALUES (?1, ?2, ?3)")?;
    let mut receipt = tx.prepare(
        "INSERT INTO expected_receipts (item_id, due_date, quantity) VALUES (?1, ?2, ?3)",
    )?;
    for n in 0..count as i64 {
        let (category_id, code) = pick(&mut rng, &categories);
        let code = code.as_str();
        let noun = *pick(&mut rng, nouns(code));
        let adjective = *pick(&mut rng, ADJECTIVES);
        let middle = if code == "GIFT-BOOK" {
            *pick(&mut rng, BOOK_TOPICS)
        } else {
            *pick(&mut rng, MATERIALS)
        };
        let mut name = format!("{adjective} {middle} {noun}");
        if is_apparel(code) && rng.bool() {
            name = format!(
                "{name}, {} {}",
                pick(&mut rng, COLORS),
                pick(&mut rng, SIZES)
            );
        } else if rng.u8(0..3) == 0 {
            name = format!("{name}, {}", pick(&mut rng, COLORS));
        }
        let other_adj = pick(&mut rng, ADJECTIVES).to_lowercase();
        let article = if "aeiou".contains(&other_adj[..1]) {
            "An"
        } else {
            "A"
        };
        let weight = rng.i64(40..6000);
        let mut description = format!(
            "{article} {other_adj} {} {} {} {}. {}",
            noun.to_lowercase(),
            if code == "GIFT-BOOK" { "on" } else { "in" },
            middle.to_lowercase(),
            pick(&mut rng, USES),
            pick(&mut rng, FEATURES)
        );
        if rng.bool() {
            description.push(' ');
            description.push_str(pick::<&str>(&mut rng, CARE));
        }
        if rng.u8(0..4) == 0 {
            description.push_str(&format!(" Weighs {weight} g."));
        }
        item.sku = format!("GEN-{:07}", next + n);
        item.name = name;
        item.description = description;
        item.category = code.to_string();
        item.weight_grams = weight;
        item.taxable = code != "GIFT-BOOK" || rng.bool();
        item.on_hand = match rng.u8(0..20) {
            0..=2 => 0,
            3..=10 => rng.i64(1..25),
            _ => rng.i64(25..500),
        };
        let id = insert_item(tx, &item, *category_id)?;

        // Log-uniform list price from about 5 to 600 US dollars.
        let usd = (500.0 * (120f64).powf(rng.f64())) as i64;
        let ending = *pick(&mut rng, &[99i64, 99, 95, 50, 0]);
        let usd_cents = (usd / 100) * 100;
        for (list_id, _, minor_units, rate) in &lists {
            price.execute(params![
                list_id,
                id,
                price_in(usd_cents, *rate, *minor_units, ending)
            ])?;
        }
        let receipts = if item.on_hand == 0 {
            rng.u8(0..5) < 4
        } else {
            rng.u8(0..10) < 3
        };
        if receipts {
            let k = if rng.u8(0..4) == 0 { 2 } else { 1 };
            let mut due = today + Duration::days(rng.i64(3..40));
            for _ in 0..k {
                receipt.execute(params![
                    id,
                    due.format("%Y-%m-%d").to_string(),
                    rng.i64(5..200)
                ])?;
                due += Duration::days(rng.i64(14..60));
            }
        }
        tick(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{digits, national_digits};
    use crate::store::CustomerQuery;

    fn schema(path: &std::path::Path) -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    /// The bulk path (indexes dropped and rebuilt, full-text index rebuilt)
    /// leaves exactly the schema a new database has, and working searches.
    #[test]
    fn bulk_load_restores_indexes_and_triggers() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.db");
        drop(Store::open(&fresh, std::time::Duration::from_secs(5)).unwrap());
        let path = dir.path().join("bulk.db");
        let (mut store, _) = Store::open(&path, std::time::Duration::from_secs(5)).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        store.load_demo(today).unwrap();
        store
            .generate_with(300, 200, today, &mut |_, _| {}, 1)
            .unwrap();
        assert_eq!(schema(&path), schema(&fresh));
        // A search through each index, and the full-text index has every item
        // (the demo's too), and new items still reach it through the trigger.
        let conn = Connection::open(&path).unwrap();
        let (first, last, email, phone, postal): (String, String, String, String, String) = conn
            .query_row(
                "SELECT c.first_name, c.last_name, c.email, c.phone, a.postal_code FROM customers c
                 JOIN addresses a ON a.customer_id = c.id AND a.is_default_shipping = 1 ORDER BY c.id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        let q = CustomerQuery {
            first_name: first,
            last_name: last,
            email,
            phone,
            postal,
            ..Default::default()
        };
        assert_eq!(store.search_customers(&q, 201).unwrap().len(), 1);
        let fts: i64 = conn
            .query_row("SELECT count(*) FROM items_fts", [], |r| r.get(0))
            .unwrap();
        let items: i64 = conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, items);
        let demo_word = demo_items().unwrap()[0]
            .name
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        assert!(!store
            .search_items(crate::domain::money::Currency::USD, &demo_word, 10)
            .unwrap()
            .is_empty());
        store.generate(0, 5, today, &mut |_, _| {}).unwrap();
        let fts: i64 = conn
            .query_row("SELECT count(*) FROM items_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, items + 5);
    }

    #[test]
    fn prices_have_shop_endings_and_minor_units() {
        assert_eq!(price_in(18_900, 1.0, 2, 99), "189.99");
        assert_eq!(price_in(18_900, 150.0, 0, 99), "28400");
        assert_eq!(price_in(500, 150.0, 0, 0), "750");
        assert_eq!(price_in(10_000, 0.92, 2, 0), "92.00");
        assert_eq!(minor_text(5, 2), "0.05");
    }

    #[test]
    fn phone_keys_of_generated_numbers_agree() {
        let mut rng = Rng::with_seed(7);
        for country in COUNTRIES {
            for c in country.cities {
                for _ in 0..50 {
                    let p = phone(&mut rng, country.code, c);
                    let national = national_digits(&p);
                    assert!(digits(&p).ends_with(&national), "{p}");
                    assert!(!national.starts_with('0'), "{p} -> {national}");
                    assert!(national.len() >= 8, "{p} -> {national}");
                }
            }
        }
    }

    #[test]
    fn name_pools_fold_to_ascii() {
        for o in fold_origins() {
            for n in o.female.iter().chain(&o.male).chain(&o.last) {
                assert!(n.ascii.is_ascii(), "{} -> {}", n.text, n.ascii);
                assert!(!n.ascii.is_empty(), "{}", n.text);
                assert!(!n.ascii.chars().any(|c| c.is_ascii_digit()), "{}", n.text);
            }
        }
    }
}

// The vocabulary behind the offline persona writer, in one place so it can be tuned without reading
// the code that uses it.

export const FIRST_NAMES = {
  she: ["Maya", "Ines", "Clara", "Noor", "Hana", "Lucia", "Freya", "Amara", "Tess", "Yara", "Elena", "Sofia", "Mina", "Ruth", "Zoe", "Ada"],
  he: ["Theo", "Mateo", "Kenji", "Omar", "Luca", "Felix", "Jonah", "Ravi", "Elias", "Tomas", "Samir", "Declan", "Hugo", "Arlo", "Marcus", "Idris"],
  they: ["Robin", "Sasha", "Ash", "Quinn", "Rowan", "Kai", "Sky", "Jules", "Noa", "Remy", "Alex", "Sam", "Emery", "Reese", "Taylor", "Jordan"],
} as const;

export const LAST_NAMES = [
  "Chen", "Okafor", "Lindqvist", "Moreau", "Alvarez", "Nakamura", "Brennan", "Haddad", "Kowalski", "Silva", "Patel",
  "Novak", "Fischer", "Mensah", "Rossi", "Byrne", "Sato", "Duarte", "Keller", "Abara",
];

export const TOWNS = [
  "Lisbon", "Glasgow", "Montreal", "Osaka", "Melbourne", "Valencia", "Portland", "Bristol", "Ghent", "Cape Town",
  "Tallinn", "Oaxaca", "Halifax", "Bergen", "Wellington", "Leipzig",
];

export const OCCUPATIONS = [
  "barista", "nurse", "teacher", "engineer", "chef", "designer", "photographer", "librarian", "carpenter", "biologist",
  "drummer", "musician", "astronomer", "writer", "journalist", "architect", "developer", "programmer", "baker",
  "gardener", "florist", "pilot", "paramedic", "lawyer", "accountant", "student", "painter", "illustrator", "farmer",
  "mechanic", "tailor", "potter", "brewer", "sommelier", "veterinarian", "vet", "dentist", "doctor", "surgeon",
  "scientist", "researcher", "historian", "translator", "sailor", "fisherman", "diver", "coach", "trainer", "dancer",
  "actor", "comedian", "streamer", "podcaster", "influencer", "bartender", "waiter", "cook", "electrician", "plumber",
  "courier", "firefighter", "archivist", "curator", "ranger", "geologist", "climber", "surfer", "skater", "tattooist",
];
/** Endings that mark a word as an occupation when the list does not know it ("ceramicist"). */
export const OCCUPATION_ENDINGS = /(ist|ian|smith|maker|wright)$/;

export const PERSONALITY_TRAITS = new Set([
  "curious", "stubborn", "warm", "grumpy", "shy", "funny", "kind", "witty", "sarcastic", "loyal", "anxious", "calm",
  "brave", "bold", "gentle", "patient", "impatient", "ambitious", "lazy", "chaotic", "organised", "organized",
  "meticulous", "dreamy", "practical", "cheerful", "gloomy", "moody", "thoughtful", "generous", "nosy", "quiet",
  "loud", "outgoing", "introverted", "extroverted", "playful", "serious", "earnest", "cynical", "optimistic",
  "pessimistic", "honest", "blunt", "charming", "clumsy", "creative", "competitive", "stylish", "nerdy", "geeky",
  "adventurous", "cautious", "reckless", "sentimental", "nostalgic", "restless", "romantic", "proud", "humble",
  "fierce", "soft-spoken", "talkative", "eccentric", "quirky", "sweet", "tough", "sharp", "smart", "clever", "wise",
  "dry", "deadpan", "energetic", "laid-back", "relaxed", "intense", "passionate", "perfectionist", "messy", "tidy",
]);

/** Phrases after which a description lists what the persona likes. */
export const INTEREST_TRIGGERS =
  /\b(?:loves?|likes?|enjoys?|adores?|into|obsessed with|passionate about|fan of|hooked on|posts? about|writes? about|hobbies(?: are| include)?:?|spends? (?:her|his|their) (?:time|weekends|evenings) (?:on|with)?)\s+([^.;!?\n]+)/gi;

/** Interests the writer picks from when the description names none, by leaning. */
export const INTERESTS_BY_MOOD = {
  warm: ["street food", "cooking for friends", "flea markets", "sunset walks", "salsa dancing"],
  cool: ["sea swimming", "sailing", "rainy-day reading", "jazz records", "night photography"],
  green: ["hiking", "gardening", "foraging", "trail running", "birdwatching"],
  dark: ["film noir", "synth music", "late-night coding", "city walks after dark", "graphic novels"],
  bright: ["morning runs", "pastry baking", "farmers' markets", "beach volleyball", "watercolour sketching"],
  neutral: ["coffee", "vintage cameras", "long train journeys", "board games", "indie podcasts"],
} as const;
export type Leaning = keyof typeof INTERESTS_BY_MOOD;

export const TRAITS_BY_LEANING: Record<Leaning, string[]> = {
  warm: ["warm", "outgoing", "generous", "playful"],
  cool: ["calm", "thoughtful", "dry-witted", "observant"],
  green: ["patient", "grounded", "curious", "practical"],
  dark: ["intense", "introverted", "sharp", "sardonic"],
  bright: ["cheerful", "energetic", "optimistic", "talkative"],
  neutral: ["easygoing", "loyal", "curious", "wry"],
};

/** The hidden side of a trait, for stage 5's flaws. */
export const TRAIT_SHADOWS: Record<string, string> = {
  curious: "falls down research rabbit holes and forgets to reply to messages",
  stubborn: "will not admit a mistake until days later, and then only in a footnote",
  warm: "says yes to every favour and then runs out of evenings",
  grumpy: "complains first and checks the facts afterwards",
  shy: "drafts replies for an hour and then deletes them",
  funny: "reaches for a joke when a conversation gets serious",
  calm: "looks unbothered even when they should ask for help",
  ambitious: "measures a good week by what got done, not how it felt",
  cheerful: "hides bad days behind exclamation marks",
  intense: "turns every hobby into a project with a spreadsheet",
  generous: "overspends on gifts and then eats instant noodles",
  sarcastic: "lets sarcasm land harder than meant",
  thoughtful: "overthinks small decisions for days",
  energetic: "starts three projects a month and finishes one",
  patient: "waits too long to say what bothers them",
  optimistic: "underestimates how long everything takes",
};

export const VERBAL_TICS = [
  "honestly", "to be fair", "anyway", "no but really", "low-key", "I swear", "for the record", "okay so",
  "which, fine", "classic", "not gonna lie", "long story", "as one does", "hear me out",
];

export const RELATIONS = [
  { relation: "best friend", about: "has known them since school and is the first to reply to every post" },
  { relation: "younger sibling", about: "teases them in the comments and shares their posts with the whole family" },
  { relation: "coworker", about: "swaps lunch recommendations with them and appears in the odd behind-the-scenes photo" },
  { relation: "mentor", about: "taught them most of what they know about their work and still sends long voice notes" },
  { relation: "friendly rival", about: "posts about the same things and keeps a running score of who got there first" },
  { relation: "neighbour", about: "waters their plants when they travel and has opinions about their music" },
  { relation: "online friend", about: "met them in a forum years ago; they have never met in person but talk every week" },
];

export const PLATFORMS = {
  visual: { name: "Instagram", why: "photos and short captions suit what they love to show" },
  short: { name: "Bluesky", why: "quick thoughts, jokes and conversations with people who share their interests" },
  video: { name: "TikTok", why: "short videos of what they make and do" },
  professional: { name: "LinkedIn", why: "notes from their working life and what they learn on the job" },
  community: { name: "Reddit", why: "long answers in the communities of their hobbies" },
} as const;
export type PlatformKind = keyof typeof PLATFORMS;

export const VISUAL_INTERESTS = /(photo|film|camera|paint|draw|sketch|art|fashion|food|cook|bak|garden|travel|hik|dive|diving|surf|ocean|sea|climb|design|tattoo|pottery|ceramic|flower)/i;
export const VIDEO_INTERESTS = /(danc|music|drum|guitar|sing|skate|comedy|prank|workout|fitness|cook|makeup)/i;
export const PROFESSIONAL_WORDS = /(engineer|developer|programmer|designer|nurse|doctor|lawyer|accountant|researcher|scientist|architect|teacher|journalist|biologist)/i;

export const HAIR = ["short dark hair", "shoulder-length auburn hair", "curly black hair", "a sandy-blond crop", "long brown hair in a loose braid", "silver-streaked hair", "a shaved head", "wavy copper hair"];
export const EYES = ["brown eyes", "grey-green eyes", "dark eyes", "hazel eyes", "blue eyes"];
export const BUILDS = ["a tall, lanky build", "a short, sturdy build", "an athletic build", "a slight build", "broad shoulders", "a medium build"];
export const STYLES = ["a worn denim jacket", "a chunky knit sweater", "a crisp white shirt", "a faded band T-shirt", "a green field jacket", "round tortoiseshell glasses", "a silver ring on one thumb", "a canvas tote bag"];

export const COLOUR_WORDS = new Set([
  "red", "scarlet", "crimson", "yellow", "golden", "gold", "green", "blue", "navy", "grey", "gray", "black", "white",
  "brown", "purple", "violet", "orange", "pink", "silver", "copper", "tan", "teal", "auburn", "blond", "blonde",
]);
export const APPEARANCE_NOUNS = /\b(hair|eyes|beard|moustache|glasses|spectacles|freckles|tattoos?|scar|coat|jacket|scarf|hat|cap|dress|boots|hoodie|sweater|shirt|braids?|curls)\b/i;

export const WORD_AGES: Record<string, number> = {
  twenties: 25, thirties: 35, forties: 45, fifties: 55, sixties: 65, seventies: 74, eighties: 83, nineties: 92,
};

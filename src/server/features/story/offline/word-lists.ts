// The vocabulary behind the story analysis's heuristics, in one place so it can be tuned without
// reading the code that uses it.

export const HONORIFICS = new Set([
  "count", "countess", "mr", "mrs", "ms", "miss", "dr", "doctor", "sir", "lady", "lord", "captain", "professor",
  "king", "queen", "prince", "princess", "duke", "duchess", "baron", "baroness", "father", "sister", "brother",
  "aunt", "uncle", "madame", "monsieur", "master", "mistress", "saint", "old",
]);
export const PLACE_WORDS = new Set([
  "street", "point", "market", "cathedral", "station", "harbour", "harbor", "tower", "road", "lane", "bay", "island",
  "castle", "river", "hill", "hills", "mountain", "mountains", "forest", "wood", "woods", "lake", "sea", "square",
  "bridge", "church", "abbey", "hall", "inn", "tavern", "gate", "park", "valley", "village", "town", "city", "port",
  "cove", "avenue", "alley", "palace", "temple", "library", "school", "academy", "house", "manor", "farm", "mill",
  "marsh", "moor", "desert", "ocean", "coast", "cliffs", "falls", "springs", "kingdom", "empire", "county", "shire",
]);
export const PLACE_PREPOSITIONS = new Set(["in", "at", "from", "to", "into", "of", "across", "near", "towards", "toward", "through", "beyond", "past"]);
export const NAMING_WORDS = new Set(["named", "called"]);
export const SPEECH_VERBS = new Set(["said", "asked", "replied", "whispered", "shouted", "cried", "answered", "laughed", "smiled", "says", "nodded", "sighed"]);
export const NON_NAMES = new Set([
  "i", "the", "a", "an", "and", "but", "or", "so", "then", "when", "while", "after", "before", "inside", "outside",
  "at", "in", "on", "one", "every", "everyone", "someone", "nobody", "far", "that", "this", "there", "here", "his",
  "her", "their", "its", "my", "our", "your", "he", "she", "they", "we", "you", "it", "god", "grandmother",
  "grandfather", "mother", "father", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
  "december", "yes", "no", "oh", "ah", "mister",
]);
export const LOCATION_NOUNS = new Set([
  "lighthouse", "tower", "harbour", "harbor", "sea", "shore", "beach", "rocks", "boat", "landing", "gallery", "stairs",
  "market", "stall", "station", "attic", "bakery", "street", "cathedral", "church", "city", "forest", "wood", "garden",
  "kitchen", "room", "house", "castle", "village", "town", "field", "river", "bridge", "road", "hill", "mountain",
  "cave", "ship", "deck", "library", "shop", "tavern", "inn", "square", "roof", "cellar", "hall", "palace", "school",
  "office", "train", "desert", "island", "lake", "ocean", "camp", "farm", "barn", "workshop", "courtyard", "meadow",
  "valley", "cliff", "port", "alley", "bedroom", "classroom", "laboratory", "temple", "ruins", "swamp", "jungle",
]);
export const MOOD_LEXICON: Array<[string, string[]]> = [
  ["tense", ["storm", "danger", "fear", "afraid", "scream", "shudder", "crash", "warning", "threat", "chase", "panic", "trembl", "midnight", "broke", "black", "lost", "hunt"]],
  ["mysterious", ["stranger", "secret", "myster", "strange", "hidden", "map", "key", "whisper", "shadow", "moon", "backward", "candle", "vanish", "riddle", "clue", "unknown"]],
  ["joyful", ["cheer", "smil", "laugh", "joy", "happy", "celebrat", "delight", "grin", "thank", "danc", "bright", "shining"]],
  ["melancholy", ["rust", "alone", "lonely", "grief", "tears", "sad", "empty", "abandon", "grey", "gray", "winter", "dust", "faded", "silent", "dark"]],
  ["peaceful", ["calm", "quiet", "gentle", "soft", "still", "morning", "rest", "sleep", "peace", "warm", "slowly"]],
  ["hopeful", ["promise", "hope", "new", "dawn", "light", "again", "beam", "found", "home", "forward"]],
  ["adventurous", ["climb", "journey", "explor", "rowed", "sail", "quest", "search", "ventur", "escape", "tools"]],
];
export const BODY_AND_CLOTHING = new Set([
  "coat", "scarf", "jacket", "hat", "cap", "hood", "cloak", "cape", "dress", "gown", "skirt", "shirt", "blouse",
  "trousers", "boots", "shoes", "gloves", "apron", "uniform", "waistcoat", "vest", "sweater", "jumper", "robe", "suit",
  "tie", "belt", "spectacles", "glasses", "beard", "moustache", "mustache", "hair", "eyes", "freckles", "skin",
  "fingers", "hands", "face", "scar", "tattoo", "braid", "braids", "ponytail", "curls", "satchel", "necklace",
  "earrings", "overalls", "bonnet", "shawl", "sandals", "helmet", "armour", "armor", "eyepatch", "whiskers",
]);
/** Worth naming even without an adjective ("freckles" says something; "hair" alone does not). */
export const DISTINCT_ON_THEIR_OWN = new Set(["freckles", "beard", "moustache", "mustache", "spectacles", "glasses", "scar", "tattoo", "braids", "apron", "cloak", "eyepatch", "whiskers", "overalls"]);
export const BUILD_NOUNS = new Set(["woman", "man", "girl", "boy", "child", "lady", "gentleman", "figure", "fellow", "stranger", "teenager"]);
export const MODIFIER_WORDS = new Set([
  "grey", "gray", "red", "blue", "green", "yellow", "black", "white", "brown", "purple", "orange", "pink", "golden",
  "gold", "silver", "wool", "woollen", "woolen", "velvet", "oilskin", "leather", "silk", "linen", "cotton", "tweed",
  "brass", "long", "short", "curly", "straight", "round", "tall", "thin", "old", "young", "dark", "pale", "bright",
]);
export const STOP_NOUNS = new Set(["time", "way", "thing", "things", "one", "day", "night", "evening", "morning", "end", "side", "name", "hour", "first", "everyone", "someone", "nothing", "something", "anyone", "people", "last", "hundred", "kind"]);
export const DEFAULT_HAIR = ["dark hair", "auburn hair", "fair hair", "black hair", "grey hair", "brown hair", "copper-red hair"];
export const DEFAULT_CLOTHES = ["a dark blue coat", "a brown travelling cloak", "a green jacket", "a plain linen shirt", "a red knitted jumper", "a grey waistcoat"];
export const DEFAULT_BUILD = ["tall and slender", "short and sturdy", "of medium height", "broad-shouldered", "small and wiry"];

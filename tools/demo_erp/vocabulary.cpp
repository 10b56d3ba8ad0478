#include "vocabulary.h"

#include <string>

namespace syncline::demo_erp {
namespace {

using Words = std::string_view[];

constexpr UnitOfMeasure kUnits[] = {
    {"PCE", "Piece", 0}, {"BOX", "Box", 0}, {"M", "Metre", 2}, {"KG", "Kilogram", 3}, {"L", "Litre", 3},
};

// Fasteners.
constexpr Words kBoltSizes = {"M6x20", "M6x30", "M8x25", "M8x40", "M10x50", "M10x80", "M12x60", "M12x80", "M16x100"};
constexpr Words kNutSizes = {"M5", "M6", "M8", "M10", "M12", "M16", "M20"};
constexpr Words kSteelFinishes = {"zinc-plated", "A2 stainless", "A4 stainless", "hot-dip galvanised", "black oxide"};
constexpr Words kWoodScrewSizes = {"3.5x30", "4x40", "4.5x50", "5x60", "6x80", "6x120"};
constexpr Words kWoodScrewFinishes = {"yellow zinc", "A2 stainless", "waxed", "blue zinc"};
constexpr Words kRodSizes = {"M8x1000", "M10x1000", "M12x1000", "M16x1000"};
constexpr Words kPlugSizes = {"5x25", "6x30", "8x40", "10x50", "12x60"};
constexpr Words kPlugVariants = {"nylon", "nylon with collar", "universal"};
constexpr ProductLine kFasteners[] = {
    {"Hex bolt DIN 933", kBoltSizes, kSteelFinishes, "BOX", 100, 48000, 950000, 600, 9000},
    {"Hex nut DIN 934", kNutSizes, kSteelFinishes, "BOX", 200, 21000, 480000, 300, 6000},
    {"Countersunk wood screw", kWoodScrewSizes, kWoodScrewFinishes, "BOX", 200, 35000, 690000, 250, 4000},
    {"Threaded rod DIN 976", kRodSizes, kSteelFinishes, "PCE", 0, 14000, 190000, 300, 1600},
    {"Wall plug", kPlugSizes, kPlugVariants, "PCE", 0, 300, 3900, 1, 8},
};

// Electrical.
constexpr Words kCableSizes = {"3x1.5 mm²", "5x1.5 mm²", "3x2.5 mm²", "5x2.5 mm²", "5x6 mm²", "5x10 mm²"};
constexpr Words kCableVariants = {"grey", "grey, 100 m coil", "grey, 500 m drum"};
constexpr Words kCordSizes = {"3G0.75 mm²", "3G1.5 mm²", "5G1.5 mm²", "3G2.5 mm²"};
constexpr Words kCordVariants = {"black", "white", "orange"};
constexpr Words kTieSizes = {"2.5x100", "3.6x200", "4.8x300", "7.6x450"};
constexpr Words kTieVariants = {"black UV-resistant", "natural", "releasable"};
constexpr Words kBreakerSizes = {"B10 1P", "B16 1P", "C16 1P", "B16 3P", "C32 3P", "B20 1P+N"};
constexpr Words kBreakerVariants = {"6 kA", "10 kA"};
constexpr Words kPanelSizes = {"600x600 36 W", "300x1200 40 W", "620x620 40 W", "Ø 220 18 W"};
constexpr Words kPanelVariants = {"3000 K", "4000 K", "6500 K", "4000 K DALI"};
constexpr ProductLine kElectrical[] = {
    {"Installation cable NYM-J", kCableSizes, kCableVariants, "M", 0, 4500, 62000, 80, 900},
    {"Flexible cord H05VV-F", kCordSizes, kCordVariants, "M", 0, 3900, 28000, 60, 300},
    {"Cable tie", kTieSizes, kTieVariants, "BOX", 100, 19000, 240000, 50, 1200},
    {"Circuit breaker", kBreakerSizes, kBreakerVariants, "PCE", 0, 39000, 690000, 110, 480},
    {"LED panel", kPanelSizes, kPanelVariants, "PCE", 0, 190000, 1490000, 900, 4200},
};

// Plumbing.
constexpr Words kCopperSizes = {"Ø 12 mm", "Ø 15 mm", "Ø 18 mm", "Ø 22 mm", "Ø 28 mm", "Ø 35 mm"};
constexpr Words kCopperVariants = {"soft, 25 m coil", "hard, 5 m bar", "half-hard, 5 m bar"};
constexpr Words kFittingSizes = {"15 mm", "18 mm", "22 mm", "28 mm", "35 mm"};
constexpr Words kFittingVariants = {"copper", "gunmetal", "stainless"};
constexpr Words kValveSizes = {"1/2\"", "3/4\"", "1\"", "1 1/4\"", "2\""};
constexpr Words kValveVariants = {"brass, nickel-plated", "full bore", "with drain"};
constexpr Words kDrainSizes = {"Ø 50 mm", "Ø 75 mm", "Ø 110 mm", "Ø 160 mm"};
constexpr Words kDrainVariants = {"SN4", "SN8", "sound-insulated"};
constexpr ProductLine kPlumbing[] = {
    {"Copper pipe", kCopperSizes, kCopperVariants, "M", 0, 29000, 210000, 250, 2800},
    {"Press fitting elbow 90°", kFittingSizes, kFittingVariants, "PCE", 0, 24000, 310000, 40, 600},
    {"Ball valve", kValveSizes, kValveVariants, "PCE", 0, 59000, 790000, 150, 1900},
    {"PVC drain pipe", kDrainSizes, kDrainVariants, "M", 0, 19000, 180000, 500, 4200},
};

// Paints and coatings.
constexpr Words kCanSizes = {"0.75 L", "2.5 L", "5 L", "10 L", "12.5 L"};
constexpr Words kWallColours = {"white matt", "RAL 9010 pure white", "RAL 7016 anthracite", "magnolia", "silk grey"};
constexpr Words kPrimerColours = {"red oxide", "grey", "white"};
constexpr Words kStainColours = {"oak", "walnut", "teak", "colourless", "ebony"};
constexpr Words kThinnerKinds = {"nitro", "synthetic", "universal"};
constexpr Words kBulk = {"bulk"};
constexpr ProductLine kPaints[] = {
    {"Acrylic wall paint", kCanSizes, kWallColours, "PCE", 0, 89000, 1390000, 900, 17000},
    {"Metal primer", kCanSizes, kPrimerColours, "PCE", 0, 99000, 990000, 1000, 16000},
    {"Wood stain", kCanSizes, kStainColours, "PCE", 0, 79000, 890000, 800, 13000},
    {"Thinner", kThinnerKinds, kBulk, "L", 0, 21000, 69000, 800, 900},
};

// Adhesives and sealants.
constexpr Words kCartridgeSizes = {"310 ml", "600 ml foil pack"};
constexpr Words kSealantVariants = {"transparent", "white", "grey", "black", "sanitary white", "jasmine"};
constexpr Words kFoamSizes = {"500 ml", "750 ml"};
constexpr Words kFoamVariants = {"gun grade", "hand-held", "fire-rated B1", "low-expansion"};
constexpr Words kEpoxySizes = {"24 ml", "50 ml", "400 ml"};
constexpr Words kEpoxyVariants = {"5-minute", "high-strength", "metal-filled"};
constexpr ProductLine kAdhesives[] = {
    {"Silicone sealant", kCartridgeSizes, kSealantVariants, "PCE", 0, 29000, 129000, 300, 900},
    {"PU foam", kFoamSizes, kFoamVariants, "PCE", 0, 49000, 169000, 600, 1100},
    {"Epoxy adhesive 2K", kEpoxySizes, kEpoxyVariants, "PCE", 0, 39000, 390000, 40, 700},
};

// Hand tools.
constexpr Words kSpannerSizes = {"8 mm", "10 mm", "13 mm", "17 mm", "19 mm", "24 mm"};
constexpr Words kSpannerVariants = {"chrome vanadium", "ratcheting", "stubby"};
constexpr Words kDriverSizes = {"PH1 x 80", "PH2 x 100", "PZ2 x 100", "SL 5.5 x 125", "TX25 x 100"};
constexpr Words kDriverVariants = {"insulated 1000 V", "standard", "stubby"};
constexpr Words kHammerSizes = {"300 g", "500 g", "800 g", "1000 g"};
constexpr Words kHammerVariants = {"fibreglass handle", "hickory handle", "steel shaft"};
constexpr Words kLevelSizes = {"400 mm", "600 mm", "1000 mm", "2000 mm"};
constexpr Words kLevelVariants = {"aluminium", "magnetic", "with 45° vial"};
constexpr ProductLine kHandTools[] = {
    {"Combination spanner", kSpannerSizes, kSpannerVariants, "PCE", 0, 39000, 290000, 40, 600},
    {"Screwdriver", kDriverSizes, kDriverVariants, "PCE", 0, 29000, 149000, 40, 250},
    {"Claw hammer", kHammerSizes, kHammerVariants, "PCE", 0, 99000, 449000, 400, 1500},
    {"Spirit level", kLevelSizes, kLevelVariants, "PCE", 0, 119000, 899000, 250, 2500},
};

// Power tools.
constexpr Words kDrillSizes = {"12 V", "18 V", "18 V brushless"};
constexpr Words kDrillVariants = {"2x2.0 Ah", "2x4.0 Ah", "bare tool", "in case"};
constexpr Words kGrinderSizes = {"115 mm", "125 mm", "230 mm"};
constexpr Words kGrinderVariants = {"850 W", "1200 W", "2200 W", "18 V bare tool"};
constexpr ProductLine kPowerTools[] = {
    {"Cordless drill driver", kDrillSizes, kDrillVariants, "PCE", 0, 590000, 3990000, 1200, 4500},
    {"Angle grinder", kGrinderSizes, kGrinderVariants, "PCE", 0, 490000, 2890000, 1800, 5800},
};

// Safety equipment.
constexpr Words kGloveSizes = {"size 7", "size 8", "size 9", "size 10", "size 11"};
constexpr Words kGloveVariants = {"nitrile", "latex-free", "cut level C"};
constexpr Words kGoggleSizes = {"EN 166"};
constexpr Words kGoggleVariants = {"clear", "tinted", "anti-fog", "over-spec"};
constexpr Words kHatSizes = {"EN 397"};
constexpr Words kHatVariants = {"white", "yellow", "red", "blue"};
constexpr Words kVestSizes = {"M", "L", "XL", "XXL"};
constexpr Words kVestVariants = {"yellow", "orange"};
constexpr ProductLine kSafety[] = {
    {"Disposable gloves", kGloveSizes, kGloveVariants, "BOX", 100, 59000, 249000, 400, 900},
    {"Safety goggles", kGoggleSizes, kGoggleVariants, "PCE", 0, 29000, 189000, 40, 120},
    {"Hard hat", kHatSizes, kHatVariants, "PCE", 0, 69000, 390000, 300, 450},
    {"Hi-vis vest", kVestSizes, kVestVariants, "PCE", 0, 19000, 99000, 100, 250},
};

// Bulk materials.
constexpr Words kSandSizes = {"0.1–0.5 mm", "0.5–1.0 mm", "1.0–2.0 mm"};
constexpr Words kSandVariants = {"kiln-dried", "washed"};
constexpr Words kCementSizes = {"CEM II/A-LL 42.5 R", "CEM I 52.5 N"};
constexpr Words kGravelSizes = {"8/16 mm", "16/32 mm", "2/8 mm"};
constexpr Words kGravelVariants = {"washed", "crushed", "round"};
constexpr ProductLine kBulkMaterials[] = {
    {"Quartz sand", kSandSizes, kSandVariants, "KG", 0, 900, 4900, 1000, 1000},
    {"Cement", kCementSizes, kBulk, "KG", 0, 1400, 3900, 1000, 1000},
    {"Gravel", kGravelSizes, kGravelVariants, "KG", 0, 300, 1900, 1000, 1000},
};

// Abrasives.
constexpr Words kDiscSizes = {"115x1.0 mm", "125x1.0 mm", "125x1.6 mm", "230x1.9 mm"};
constexpr Words kDiscVariants = {"inox", "steel", "stone"};
constexpr Words kPaperSizes = {"P40", "P80", "P120", "P180", "P240"};
constexpr Words kPaperVariants = {"230x280 mm sheet", "Ø 125 mm hook & loop", "Ø 150 mm 6-hole"};
constexpr Words kFlapSizes = {"115 mm K60", "125 mm K40", "125 mm K60", "125 mm K80"};
constexpr Words kFlapVariants = {"zirconia", "aluminium oxide"};
constexpr ProductLine kAbrasives[] = {
    {"Cutting disc", kDiscSizes, kDiscVariants, "PCE", 0, 5900, 49000, 40, 300},
    {"Sanding paper", kPaperSizes, kPaperVariants, "BOX", 50, 69000, 390000, 300, 900},
    {"Flap disc", kFlapSizes, kFlapVariants, "PCE", 0, 14000, 79000, 60, 180},
};

constexpr ItemGroup kItemGroups[] = {
    {"FAST", "Fasteners", kFasteners},
    {"ELEC", "Electrical", kElectrical},
    {"PLMB", "Plumbing", kPlumbing},
    {"PAINT", "Paints & coatings", kPaints},
    {"ADHS", "Adhesives & sealants", kAdhesives},
    {"TOOL", "Hand tools", kHandTools},
    {"PTOOL", "Power tools", kPowerTools},
    {"SAFE", "Safety equipment", kSafety},
    {"BULK", "Bulk materials", kBulkMaterials},
    {"ABRS", "Abrasives", kAbrasives},
};

constexpr Warehouse kWarehouses[] = {
    {"01", "Main warehouse Hamburg", true, 900},
    {"02", "Branch Munich", true, 500},
    {"03", "Branch Vienna", true, 300},
    {"80", "Old depot Bremen (closed)", false, 0},
};

constexpr PriceList kPriceLists[] = {
    {1, "Base price list", "EUR", 1000}, {2, "Retail", "EUR", 1100},     {3, "Wholesale", "EUR", 850},
    {4, "Dealer", "EUR", 750},           {5, "Export USD", "USD", 1030}, {6, "Switzerland CHF", "CHF", 990},
};

constexpr CustomerGroup kCustomerGroups[] = {
    {1, "Retail customers", 2},     {2, "Wholesale", 3},   {3, "Dealers", 4},
    {4, "Export North America", 5}, {5, "Switzerland", 6}, {6, "Key accounts", 3},
};

constexpr Words kCitiesDe = {"Hamburg", "Berlin", "München", "Köln", "Stuttgart", "Düsseldorf", "Leipzig"};
constexpr Words kCitiesAt = {"Wien", "Graz", "Linz", "Salzburg", "Innsbruck"};
constexpr Words kCitiesNl = {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"};
constexpr Words kCitiesFr = {"Lyon", "Paris", "Lille", "Strasbourg", "Nantes"};
constexpr Words kCitiesGb = {"Manchester", "Leeds", "Bristol", "Glasgow", "Birmingham"};
constexpr Words kCitiesUs = {"Chicago", "Columbus", "Denver", "Milwaukee", "Pittsburgh"};
constexpr Words kCitiesCh = {"Zürich", "Basel", "Bern", "Luzern", "St. Gallen"};
constexpr Words kTradesGerman = {"Haustechnik", "Elektrotechnik", "Sanitär",
                                 "Metallbau",   "Bauservice",     "Werkzeughandel"};
constexpr Words kTradesDutch = {"Installatietechniek", "Bouwmaterialen", "Elektro", "Gereedschappen"};
constexpr Words kTradesFrench = {"Quincaillerie", "Électricité", "Plomberie", "Bâtiment"};
constexpr Words kTradesEnglish = {"Hardware", "Building Supplies", "Electrical", "Plumbing & Heating", "Contractors"};
constexpr Words kLegalDe = {"GmbH", "GmbH & Co. KG", "e.K.", "AG"};
constexpr Words kLegalAt = {"GmbH", "KG", "e.U."};
constexpr Words kLegalNl = {"B.V.", "V.O.F."};
constexpr Words kLegalFr = {"SARL", "SAS", "SA"};
constexpr Words kLegalGb = {"Ltd", "& Sons Ltd", "LLP"};
constexpr Words kLegalUs = {"Inc.", "LLC", "Corp."};
constexpr Words kLegalCh = {"AG", "GmbH", "SA"};

constexpr Country kCountries[] = {
    {"DE", "EUR", "+49", 450, kCitiesDe, kTradesGerman, kLegalDe},
    {"AT", "EUR", "+43", 120, kCitiesAt, kTradesGerman, kLegalAt},
    {"NL", "EUR", "+31", 100, kCitiesNl, kTradesDutch, kLegalNl},
    {"FR", "EUR", "+33", 100, kCitiesFr, kTradesFrench, kLegalFr},
    {"GB", "EUR", "+44", 80, kCitiesGb, kTradesEnglish, kLegalGb},
    {"US", "USD", "+1", 80, kCitiesUs, kTradesEnglish, kLegalUs},
    {"CH", "CHF", "+41", 70, kCitiesCh, kTradesGerman, kLegalCh},
};

constexpr Words kSurnames = {
    "Müller",  "Schmidt", "Schneider", "Fischer", "Weber",   "Meyer",   "Wagner",   "Becker", "Hoffmann",
    "Schulz",  "Keller",  "Huber",     "Gruber",  "Bauer",   "Brunner", "de Vries", "Jansen", "Bakker",
    "Visser",  "Dubois",  "Martin",    "Bernard", "Lefèvre", "Moreau",  "Smith",    "Jones",  "Taylor",
    "O'Brien", "Murphy",  "Johnson",   "Miller",  "Wilson",  "Nowak",   "Kowalski", "Rossi",  "Yılmaz",
};

constexpr Words kMailboxes = {"orders", "purchasing", "info", "einkauf", "office", "buyer"};
constexpr Words kBadEmails = {"n/a", "tbd", "orders at example dot com", "-", "purchasing@", "info@@example.com"};
constexpr Words kOrderComments = {"Please deliver to site entrance B",
                                  "Call before delivery",
                                  "Partial delivery accepted",
                                  "Order by phone",
                                  "Urgent: needed Monday",
                                  "Deliver with crane truck"};

}  // namespace

std::span<const UnitOfMeasure> unitsOfMeasure() {
    return kUnits;
}
std::span<const ItemGroup> itemGroups() {
    return kItemGroups;
}
std::span<const Warehouse> warehouses() {
    return kWarehouses;
}
std::span<const PriceList> priceLists() {
    return kPriceLists;
}
std::span<const CustomerGroup> customerGroups() {
    return kCustomerGroups;
}
std::span<const Country> countries() {
    return kCountries;
}
std::span<const std::string_view> surnames() {
    return kSurnames;
}
std::span<const std::string_view> mailboxes() {
    return kMailboxes;
}
std::span<const std::string_view> badEmails() {
    return kBadEmails;
}
std::span<const std::string_view> orderComments() {
    return kOrderComments;
}

void appendSlug(std::string_view text, std::string& out) {
    // The few non-ASCII letters the word lists use, as UTF-8 byte pairs.
    static constexpr struct {
        std::string_view utf8;
        std::string_view ascii;
    } kFolds[] = {{"ü", "ue"}, {"ö", "oe"}, {"ä", "ae"}, {"ß", "ss"}, {"é", "e"},
                  {"è", "e"},  {"â", "a"},  {"É", "e"},  {"ı", "i"},  {"ç", "c"}};
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (c == ' ' || c == '-' || c == '&') {
            if (!out.empty() && out.back() != '-') {
                out += '-';
            }
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            for (const auto& fold : kFolds) {
                if (text.substr(i, fold.utf8.size()) == fold.utf8) {
                    out += fold.ascii;
                    i += fold.utf8.size() - 1;
                    break;
                }
            }
        }
        ++i;
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
}

}  // namespace syncline::demo_erp

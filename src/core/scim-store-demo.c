/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-demo.h"
#include "scim-funnel-template.h"
#include "scim-format.h"
#include "scim-store-private.h"

/* Demo data: a year of a sales department's life, made up from a seed.
 *
 * Everything random comes from one GRand seeded with the seed, and every
 * date is counted from the start of today, so the same seed gives the same
 * data (on the same day, in the same language).  The whole fill is one
 * transaction: a cancel or a failure leaves the file as it was. */

#define DAY (G_GINT64_CONSTANT (24) * 3600)
#define HOUR G_GINT64_CONSTANT (3600)
/* The days around today for which local midnights are computed. */
#define MIN_DAY (-800)
#define MAX_DAY 400
/* How much memory SQLite may use for its page cache during the fill, in KiB;
 * the indexes of a large fill are written in random order. */
#define FILL_CACHE_KIB 131072
/* The longest stage history of one sale. */
#define MAX_PATH 64

typedef struct
{
  const char *a;
  const char *b;
} Pair;

typedef struct
{
  const Pair *items;
  guint       n;
} PairList;

typedef struct
{
  const char * const *items;
  guint               n;
} TextList;

#define PAIRS(x) { x, G_N_ELEMENTS (x) }
#define TEXTS(x) { x, G_N_ELEMENTS (x) }

typedef enum
{
  EVENT_CALL,
  EVENT_MEETING,
  EVENT_EMAIL,
  EVENT_PROPOSAL,
  EVENT_CONTRACT,
  EVENT_PAYMENT,
  EVENT_NOTE,
  EVENT_OTHER,
  N_EVENT_KINDS
} EventKind;

typedef enum
{
  PHASE_EARLY,
  PHASE_MID,
  PHASE_LATE,
  PHASE_WON,
  PHASE_RESUME,
  N_PHASES
} TaskPhase;

/* The words of one language.  Pairs of names hold the name and its Latin
 * spelling (for e-mail addresses); other pairs hold a name and a
 * description, or a title and a text. */
typedef struct
{
  gboolean  russian;
  PairList  male_first;
  PairList  female_first;
  PairList  surnames;        /* Russian: the male form; the female one adds "а" */
  PairList  patronymics;     /* male, female; empty in English */
  PairList  company_first;
  PairList  company_second;
  PairList  industries;      /* English only */
  TextList  legal_forms;
  TextList  area_codes;
  TextList  cities;
  TextList  streets;
  TextList  positions;
  PairList  audiences;
  PairList  products;        /* after the built-in template */
  PairList  open_stages;     /* in funnel order */
  PairList  won_stages;
  PairList  paused_stage;
  PairList  lost_stage;
  TextList  sources;
  TextList  channels;
  TextList  reject_reasons;
  TextList  lost_reasons;
  TextList  pause_reasons;
  TextList  back_reasons;
  TextList  lead_notes;
  TextList  client_notes;
  TextList  tasks[N_PHASES];
  TextList  task_notes;
  TextList  done_results;
  TextList  failed_results;
  TextList  cancelled_results;
  PairList  events[N_EVENT_KINDS];
  PairList  planned_events;
} Lang;

typedef enum
{
  KIND_OPEN,
  KIND_WON,
  KIND_LOST,
  KIND_PAUSED,
} StageKind;

typedef struct
{
  gint64    id;
  StageKind kind;
  guint     phase;   /* its place among the stages of its kind */
  guint     weight;  /* how likely a sale is to be at this stage now */
} DemoStage;

typedef struct
{
  gint64  id;
  guint   weight;
  guint   n_sales;
  GArray *stages;    /* DemoStage, in funnel order */
  GArray *open;      /* guint indexes into stages, by kind */
  GArray *won;
  GArray *lost;
  GArray *paused;
  guint   total_weight;
} DemoProduct;

typedef struct
{
  gint64  id;
  gint64  manager_id;
  char   *name;
  char   *tax_id;
} DemoClient;

typedef struct
{
  gint64 id;
  guint  client;
  guint  product;
  gint64 owner_id;
  gint64 decided_at;
} DemoLead;

typedef enum
{
  WHY_NONE,
  WHY_BACK,
  WHY_PAUSE,
  WHY_LOST,
} StepReason;

typedef struct
{
  guint      stage;
  StepReason why;
  gint64     gap;
  gint64     at;
} Step;

typedef struct
{
  gint64 due;
  gint64 at;
  guint  target;
} HistoryTask;

typedef struct
{
  const Pair *first;
  const Pair *last;
  const Pair *patronymic;
  gboolean    female;
} Person;

typedef struct
{
  ScimDemoScale     scale;
  guint32           seed;
  GCancellable     *cancellable;
  ScimProgressFunc  progress;
  gpointer          progress_data;
} FillParams;

typedef struct
{
  ScimTx           *tx;
  ScimStore        *store;
  sqlite3          *db;
  GRand            *r;
  const Lang       *lang;
  const FillParams *params;
  ScimDemoCounts    counts;
  guint             n_heads;

  gint64            day0;
  int               weekday0;      /* of today: 0 is Monday */
  gint64            midnights[MAX_DAY - MIN_DAY + 1];

  double            total_units;
  double            done_units;
  double            reported_units;

  gint64            admin_id;
  GArray           *sales_users;   /* gint64 */
  GArray           *heads;         /* gint64 */
  GArray           *audiences;     /* gint64 */
  GPtrArray        *products;      /* DemoProduct */
  guint             products_weight;
  GArray           *clients;       /* DemoClient */
  GArray           *accepted;      /* DemoLead */
  GArray           *path;          /* Step */
  GArray           *history;       /* HistoryTask */

  gboolean          touched_users;
  gboolean          touched_audiences;
  gboolean          touched_products;
  gboolean          touched_stages;
  GPtrArray        *bulk_schema;   /* DROP, CREATE, DROP, CREATE, … */
} Demo;

/* Target numbers per scale; the generator makes exactly these. */
static const ScimDemoCounts scale_counts[] = {
  [SCIM_DEMO_SMALL] = { 5, 3, 5, 200, 300, 400, 2000, 2000 },
  [SCIM_DEMO_MEDIUM] = { 12, 6, 6, 2000, 3000, 4000, 20000, 20000 },
  [SCIM_DEMO_LARGE] = { 50, 20, 8, 100000, 150000, 200000, 1000000, 1000000 },
};
static const guint scale_heads[] = {
  [SCIM_DEMO_SMALL] = 1,
  [SCIM_DEMO_MEDIUM] = 2,
  [SCIM_DEMO_LARGE] = 4,
};

static const char * const event_kinds[N_EVENT_KINDS] = {
  "call", "meeting", "email", "proposal", "contract", "payment", "note", "other",
};

/* English */

static const Pair en_male_first[] = {
  { "James", "james" }, { "John", "john" }, { "Robert", "robert" }, { "Michael", "michael" },
  { "William", "william" }, { "David", "david" }, { "Richard", "richard" }, { "Joseph", "joseph" },
  { "Thomas", "thomas" }, { "Daniel", "daniel" }, { "Matthew", "matthew" }, { "Andrew", "andrew" },
  { "Steven", "steven" }, { "Paul", "paul" }, { "Mark", "mark" }, { "George", "george" },
};
static const Pair en_female_first[] = {
  { "Mary", "mary" }, { "Patricia", "patricia" }, { "Jennifer", "jennifer" }, { "Linda", "linda" },
  { "Elizabeth", "elizabeth" }, { "Barbara", "barbara" }, { "Susan", "susan" }, { "Jessica", "jessica" },
  { "Sarah", "sarah" }, { "Karen", "karen" }, { "Emily", "emily" }, { "Laura", "laura" },
  { "Rachel", "rachel" }, { "Anna", "anna" }, { "Helen", "helen" }, { "Olivia", "olivia" },
};
static const Pair en_surnames[] = {
  { "Smith", "smith" }, { "Johnson", "johnson" }, { "Williams", "williams" }, { "Brown", "brown" },
  { "Jones", "jones" }, { "Miller", "miller" }, { "Davis", "davis" }, { "Wilson", "wilson" },
  { "Anderson", "anderson" }, { "Taylor", "taylor" }, { "Thomas", "thomas" }, { "Moore", "moore" },
  { "Martin", "martin" }, { "Jackson", "jackson" }, { "Thompson", "thompson" }, { "White", "white" },
  { "Harris", "harris" }, { "Clark", "clark" }, { "Lewis", "lewis" }, { "Walker", "walker" },
  { "Hall", "hall" }, { "Allen", "allen" }, { "Young", "young" }, { "King", "king" },
  { "Wright", "wright" }, { "Scott", "scott" }, { "Green", "green" }, { "Baker", "baker" },
};
static const Pair en_company_first[] = {
  { "North", "north" }, { "Blue", "blue" }, { "Silver", "silver" }, { "Green", "green" },
  { "Bright", "bright" }, { "Summit", "summit" }, { "Iron", "iron" }, { "Oak", "oak" },
  { "Harbor", "harbor" }, { "Eagle", "eagle" }, { "Red", "red" }, { "Stone", "stone" },
  { "Clear", "clear" }, { "West", "west" }, { "Lake", "lake" }, { "Maple", "maple" },
};
static const Pair en_company_second[] = {
  { "field", "field" }, { "wood", "wood" }, { "stone", "stone" }, { "point", "point" },
  { "bridge", "bridge" }, { "gate", "gate" }, { "line", "line" }, { "way", "way" },
  { "brook", "brook" }, { "ridge", "ridge" }, { "view", "view" }, { "port", "port" },
};
static const Pair en_industries[] = {
  { "Logistics", "logistics" }, { "Foods", "foods" }, { "Systems", "systems" },
  { "Trading", "trading" }, { "Construction", "construction" }, { "Engineering", "engineering" },
  { "Motors", "motors" }, { "Textiles", "textiles" }, { "Energy", "energy" },
  { "Pharma", "pharma" }, { "Media", "media" }, { "Retail", "retail" }, { "Plastics", "plastics" },
  { "Furniture", "furniture" }, { "Software", "software" }, { "Farms", "farms" },
};
static const char * const en_legal_forms[] = { "LLC", "LLC", "Inc.", "Inc.", "Ltd.", "Corp.", "Group" };
static const char * const en_area_codes[] = {
  "212", "312", "415", "617", "206", "303", "512", "404", "213", "702", "615", "503",
};
static const char * const en_cities[] = {
  "Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview",
  "Salem", "Madison", "Georgetown", "Arlington", "Ashland",
};
static const char * const en_streets[] = {
  "Main Street", "Oak Avenue", "Market Street", "Park Road", "Church Street", "Mill Lane",
  "High Street", "River Road", "Elm Street", "Station Road",
};
static const char * const en_positions[] = {
  "Chief executive officer", "Chief financial officer", "Commercial director",
  "Chief accountant", "Head of purchasing", "Purchasing manager", "Legal counsel",
  "IT director", "Executive assistant", "Operations manager",
};
static const Pair en_audiences[] = {
  { "Small business", "Companies with up to 100 employees" },
  { "Mid-sized business", "Companies with 100 to 1,000 employees" },
  { "Large enterprises", "Companies with more than 1,000 employees" },
  { "Sole proprietors", "Self-employed people and one-person businesses" },
  { "Public sector", "State bodies and state-owned companies" },
  { "Manufacturing", "Plants and factories" },
  { "Retail chains", "Shops and retail networks" },
  { "IT companies", "Software developers and integrators" },
};
static const Pair en_products[] = {
  { "Accounting outsourcing", "Bookkeeping and reporting done for the client" },
  { "Tax consulting", "Tax planning, tax disputes and audits" },
  { "Audit", "Statutory and voluntary audits of financial statements" },
  { "Legal support", "Contracts, claims and corporate law" },
  { "Management accounting setup", "Management reports the owners can read" },
  { "Business valuation", "Valuation for a sale, a pledge or a dispute" },
  { "Payroll outsourcing", "Salaries, benefits and payroll reporting" },
  { "HR consulting", "Recruiting, grading and motivation systems" },
  { "IT audit", "A review of the client's IT systems and risks" },
  { "Due diligence", "A complete check of a company before a deal" },
  { "Budgeting", "A budgeting process from plan to control" },
  { "Corporate training", "Courses for finance and sales teams" },
  { "Financial model", "A model of the business for investors and banks" },
  { "IFRS reporting", "Statements under international standards" },
  { "Debt restructuring", "Negotiations with banks and creditors" },
  { "Investment appraisal", "Whether a project is worth the money" },
  { "Cost reduction program", "Finding and cutting unnecessary costs" },
  { "Internal control setup", "Rules and checks against errors and fraud" },
  { "ERP implementation", "Choosing and introducing an accounting system" },
};
static const Pair en_open_stages[] = {
  { "First contact", "The first call or letter to the client" },
  { "Needs identified", "We know what the client needs and when" },
  { "Qualified", "Budget, decision maker and timing are known" },
  { "Demo held", "The product has been shown to the client" },
  { "Proposal sent", "A commercial proposal has been sent" },
  { "Negotiation", "Terms and price are being negotiated" },
  { "Contract under review", "The client's lawyers are reviewing the contract" },
  { "Invoice issued", "The invoice has been sent to the client" },
};
static const Pair en_won_stages[] = {
  { "Contract signed", "The contract is signed by both sides" },
  { "Paid", "The money has reached the account" },
};
static const Pair en_paused_stage[] = { { "On hold", "The client has paused the talks" } };
static const Pair en_lost_stage[] = { { "Lost", "The client will not buy" } };
static const char * const en_sources[] = {
  "Website", "Exhibition", "Recommendation", "Cold call", "Advertising", "Webinar", "Partner",
};
static const char * const en_channels[] = { "Phone", "E-mail", "Web form", "Messenger", "In person" };
static const char * const en_reject_reasons[] = {
  "Duplicate of an existing client", "Spam", "Not our target audience", "No budget",
  "Wrong contact details", "A competitor fishing for prices",
};
static const char * const en_lost_reasons[] = {
  "Chose a competitor", "No budget this year", "Price too high", "The project was cancelled",
  "No answer for a long time", "Decided to do it in-house", "The decision maker changed",
};
static const char * const en_pause_reasons[] = {
  "The client postponed the decision", "The budget is frozen until next quarter",
  "The decision maker is on leave", "Reorganisation at the client",
};
static const char * const en_back_reasons[] = {
  "The client asked to review the terms again", "A new decision maker joined the talks",
  "The requirements changed",
};
static const char * const en_lead_notes[] = {
  "", "", "", "", "Asked for a call back in the afternoon", "Wants a price list",
  "Found us through a colleague", "Interested in a discount",
};
static const char * const en_client_notes[] = {
  "", "", "", "", "", "", "Pays on time", "Prefers e-mail to phone calls",
  "Long decision process", "Ask for the chief accountant first",
};
static const char * const en_tasks_early[] = {
  "Call to introduce the company", "Send the company presentation", "Find the decision maker",
  "Agree on a first meeting", "Clarify the client's needs",
};
static const char * const en_tasks_mid[] = {
  "Hold the presentation", "Prepare the proposal", "Send the proposal",
  "Remind about the proposal", "Meet the agent of influence", "Answer the client's questions",
};
static const char * const en_tasks_late[] = {
  "Agree on the price", "Send the draft contract", "Agree on the contract with the lawyers",
  "Get the contract signed", "Issue an invoice",
};
static const char * const en_tasks_won[] = {
  "Check the payment", "Send the closing documents", "Ask for feedback",
  "Offer a repeat service",
};
static const char * const en_tasks_resume[] = {
  "Call back after the pause", "Ask whether the budget is approved", "Send the news of the product",
};
static const char * const en_task_notes[] = {
  "", "", "", "", "Call before noon", "Take the updated price list", "Copy the head of sales",
};
static const char * const en_done_results[] = {
  "Done, the client confirmed.", "Meeting held, the client is interested.",
  "Sent; the client confirmed receipt.", "Agreed; the next step is set for next week.",
  "The decision maker asked for a more detailed proposal.", "Done, moving on to the next stage.",
};
static const char * const en_failed_results[] = {
  "The client did not answer; try again later.", "The decision maker refused to meet this month.",
  "The proposal was rejected: too expensive.", "The contact person is on leave.",
  "The client decided to postpone the decision.",
};
static const char * const en_cancelled_results[] = {
  "", "No longer needed.", "Replaced by another task.",
};
static const Pair en_calls[] = {
  { "Call with the client", "Discussed the terms and the next steps." },
  { "Incoming call", "The client asked about the timing of the work." },
  { "Call to the decision maker", "The decision maker asked to call back in a week." },
};
static const Pair en_meetings[] = {
  { "Meeting at the client's office", "Presented the product to the decision maker." },
  { "Video meeting", "Went through the proposal point by point." },
  { "Meeting at our office", "The client met the team that will do the work." },
};
static const Pair en_emails[] = {
  { "Letter to the client", "Sent the materials we promised at the meeting." },
  { "Reply from the client", "The client has questions about the price." },
};
static const Pair en_proposals[] = {
  { "Proposal sent", "An individual proposal with the price and terms." },
  { "Updated proposal sent", "The price was revised after the negotiations." },
};
static const Pair en_contracts[] = {
  { "Contract signed", "The contract is signed by both sides." },
};
static const Pair en_payments[] = {
  { "Payment received", "The full payment has reached the account." },
  { "Advance payment received", "Half of the amount was paid in advance." },
};
static const Pair en_notes[] = {
  { "Note", "The client is comparing us with two competitors." },
  { "Note", "The chief accountant supports our proposal." },
  { "Note", "The budget is approved in the next quarter." },
};
static const Pair en_others[] = {
  { "Conference", "Met the client at an industry conference." },
  { "Gift sent", "Sent a holiday gift to the key contact." },
};
static const Pair en_planned_events[] = {
  { "Planned call", "Call the decision maker about the proposal." },
  { "Meeting with the decision maker", "Discuss the contract terms." },
  { "Presentation for the board", "Present the product to the client's board." },
};

static const Lang lang_en = {
  .russian = FALSE,
  .male_first = PAIRS (en_male_first),
  .female_first = PAIRS (en_female_first),
  .surnames = PAIRS (en_surnames),
  .patronymics = { NULL, 0 },
  .company_first = PAIRS (en_company_first),
  .company_second = PAIRS (en_company_second),
  .industries = PAIRS (en_industries),
  .legal_forms = TEXTS (en_legal_forms),
  .area_codes = TEXTS (en_area_codes),
  .cities = TEXTS (en_cities),
  .streets = TEXTS (en_streets),
  .positions = TEXTS (en_positions),
  .audiences = PAIRS (en_audiences),
  .products = PAIRS (en_products),
  .open_stages = PAIRS (en_open_stages),
  .won_stages = PAIRS (en_won_stages),
  .paused_stage = PAIRS (en_paused_stage),
  .lost_stage = PAIRS (en_lost_stage),
  .sources = TEXTS (en_sources),
  .channels = TEXTS (en_channels),
  .reject_reasons = TEXTS (en_reject_reasons),
  .lost_reasons = TEXTS (en_lost_reasons),
  .pause_reasons = TEXTS (en_pause_reasons),
  .back_reasons = TEXTS (en_back_reasons),
  .lead_notes = TEXTS (en_lead_notes),
  .client_notes = TEXTS (en_client_notes),
  .tasks = {
    TEXTS (en_tasks_early), TEXTS (en_tasks_mid), TEXTS (en_tasks_late),
    TEXTS (en_tasks_won), TEXTS (en_tasks_resume),
  },
  .task_notes = TEXTS (en_task_notes),
  .done_results = TEXTS (en_done_results),
  .failed_results = TEXTS (en_failed_results),
  .cancelled_results = TEXTS (en_cancelled_results),
  .events = {
    PAIRS (en_calls), PAIRS (en_meetings), PAIRS (en_emails), PAIRS (en_proposals),
    PAIRS (en_contracts), PAIRS (en_payments), PAIRS (en_notes), PAIRS (en_others),
  },
  .planned_events = PAIRS (en_planned_events),
};

/* Russian */

static const Pair ru_male_first[] = {
  { "Александр", "alexander" }, { "Алексей", "alexey" }, { "Андрей", "andrey" },
  { "Дмитрий", "dmitry" }, { "Сергей", "sergey" }, { "Михаил", "mikhail" }, { "Иван", "ivan" },
  { "Николай", "nikolay" }, { "Павел", "pavel" }, { "Владимир", "vladimir" },
  { "Евгений", "evgeny" }, { "Игорь", "igor" }, { "Олег", "oleg" }, { "Максим", "maxim" },
  { "Артём", "artem" }, { "Кирилл", "kirill" }, { "Роман", "roman" }, { "Виктор", "viktor" },
};
static const Pair ru_female_first[] = {
  { "Анна", "anna" }, { "Елена", "elena" }, { "Ольга", "olga" }, { "Наталья", "natalia" },
  { "Татьяна", "tatiana" }, { "Мария", "maria" }, { "Екатерина", "ekaterina" },
  { "Ирина", "irina" }, { "Светлана", "svetlana" }, { "Юлия", "yulia" }, { "Марина", "marina" },
  { "Ксения", "ksenia" }, { "Дарья", "daria" }, { "Алина", "alina" }, { "Виктория", "victoria" },
  { "Евгения", "evgenia" },
};
static const Pair ru_surnames[] = {
  { "Иванов", "ivanov" }, { "Смирнов", "smirnov" }, { "Кузнецов", "kuznetsov" },
  { "Попов", "popov" }, { "Васильев", "vasiliev" }, { "Петров", "petrov" },
  { "Соколов", "sokolov" }, { "Михайлов", "mikhailov" }, { "Новиков", "novikov" },
  { "Фёдоров", "fedorov" }, { "Морозов", "morozov" }, { "Волков", "volkov" },
  { "Алексеев", "alekseev" }, { "Лебедев", "lebedev" }, { "Семёнов", "semenov" },
  { "Егоров", "egorov" }, { "Павлов", "pavlov" }, { "Козлов", "kozlov" },
  { "Степанов", "stepanov" }, { "Николаев", "nikolaev" }, { "Орлов", "orlov" },
  { "Андреев", "andreev" }, { "Макаров", "makarov" }, { "Никитин", "nikitin" },
  { "Захаров", "zakharov" }, { "Зайцев", "zaitsev" }, { "Соловьёв", "soloviev" },
  { "Борисов", "borisov" }, { "Яковлев", "yakovlev" }, { "Григорьев", "grigoriev" },
  { "Романов", "romanov" }, { "Воробьёв", "vorobiev" },
};
static const Pair ru_patronymics[] = {
  { "Александрович", "Александровна" }, { "Алексеевич", "Алексеевна" },
  { "Андреевич", "Андреевна" }, { "Дмитриевич", "Дмитриевна" }, { "Сергеевич", "Сергеевна" },
  { "Михайлович", "Михайловна" }, { "Иванович", "Ивановна" }, { "Николаевич", "Николаевна" },
  { "Павлович", "Павловна" }, { "Владимирович", "Владимировна" }, { "Викторович", "Викторовна" },
  { "Олегович", "Олеговна" }, { "Юрьевич", "Юрьевна" }, { "Петрович", "Петровна" },
};
static const Pair ru_company_first[] = {
  { "Север", "sever" }, { "Техно", "techno" }, { "Агро", "agro" }, { "Урал", "ural" },
  { "Волга", "volga" }, { "Энерго", "energo" }, { "Строй", "stroy" }, { "Мега", "mega" },
  { "Гранит", "granit" }, { "Балт", "balt" }, { "Сиб", "sib" }, { "Проф", "prof" },
  { "Дон", "don" }, { "Кама", "kama" }, { "Нева", "neva" }, { "Альфа", "alfa" },
};
static const Pair ru_company_second[] = {
  { "Строй", "stroy" }, { "Пром", "prom" }, { "Трейд", "trade" }, { "Снаб", "snab" },
  { "Сервис", "service" }, { "Логистик", "logistic" }, { "Торг", "torg" }, { "Маш", "mash" },
  { "Комплект", "komplekt" }, { "Инвест", "invest" }, { "Софт", "soft" }, { "Тех", "tech" },
  { "Монтаж", "montazh" }, { "Групп", "group" }, { "Холдинг", "holding" }, { "Продукт", "product" },
};
static const char * const ru_legal_forms[] = { "ООО", "ООО", "ООО", "ООО", "АО", "АО", "ПАО" };
static const char * const ru_area_codes[] = {
  "495", "499", "812", "343", "383", "843", "831", "846", "863", "861", "342", "473",
};
static const char * const ru_cities[] = {
  "Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Нижний Новгород",
  "Самара", "Ростов-на-Дону", "Краснодар", "Пермь", "Воронеж", "Тюмень",
};
static const char * const ru_streets[] = {
  "ул. Ленина", "ул. Мира", "ул. Садовая", "ул. Гагарина", "ул. Советская", "ул. Пушкина",
  "ул. Лесная", "ул. Заводская", "Набережная ул.", "Московский пр-т",
};
static const char * const ru_positions[] = {
  "Генеральный директор", "Финансовый директор", "Коммерческий директор", "Главный бухгалтер",
  "Руководитель отдела закупок", "Менеджер по закупкам", "Юрист", "ИТ-директор",
  "Помощник руководителя", "Операционный директор",
};
static const Pair ru_audiences[] = {
  { "Малый бизнес", "Компании до 100 сотрудников" },
  { "Средний бизнес", "Компании от 100 до 1000 сотрудников" },
  { "Крупные компании", "Компании более 1000 сотрудников" },
  { "Индивидуальные предприниматели", "ИП и самозанятые" },
  { "Госсектор", "Государственные органы и госкомпании" },
  { "Производство", "Заводы и фабрики" },
  { "Розничные сети", "Магазины и торговые сети" },
  { "ИТ-компании", "Разработчики программ и интеграторы" },
};
static const Pair ru_products[] = {
  { "Бухгалтерское обслуживание", "Ведение учёта и сдача отчётности за клиента" },
  { "Налоговое консультирование", "Налоговое планирование, споры и проверки" },
  { "Аудит", "Обязательный и инициативный аудит отчётности" },
  { "Юридическое сопровождение", "Договоры, претензии и корпоративное право" },
  { "Постановка управленческого учёта", "Отчёты, понятные собственникам" },
  { "Оценка бизнеса", "Оценка для продажи, залога или спора" },
  { "Расчёт заработной платы", "Зарплата, пособия и отчётность по персоналу" },
  { "Кадровый консалтинг", "Подбор, грейды и системы мотивации" },
  { "ИТ-аудит", "Проверка ИТ-систем клиента и их рисков" },
  { "Комплексная проверка (due diligence)", "Полная проверка компании перед сделкой" },
  { "Бюджетирование", "Процесс бюджетирования от плана до контроля" },
  { "Корпоративное обучение", "Курсы для финансовых служб и отделов продаж" },
  { "Финансовая модель", "Модель бизнеса для инвесторов и банков" },
  { "Отчётность по МСФО", "Отчётность по международным стандартам" },
  { "Реструктуризация долга", "Переговоры с банками и кредиторами" },
  { "Оценка инвестиционных проектов", "Стоит ли проект вложений" },
  { "Программа снижения затрат", "Поиск и сокращение лишних расходов" },
  { "Постановка внутреннего контроля", "Правила и проверки против ошибок и злоупотреблений" },
  { "Внедрение ERP", "Выбор и внедрение учётной системы" },
};
static const Pair ru_open_stages[] = {
  { "Первый контакт", "Первый звонок или письмо клиенту" },
  { "Потребность выявлена", "Известно, что нужно клиенту и когда" },
  { "Квалифицирован", "Известны бюджет, ЛПР и сроки" },
  { "Демонстрация проведена", "Продукт показан клиенту" },
  { "КП направлено", "Направлено коммерческое предложение" },
  { "Переговоры", "Обсуждаются условия и цена" },
  { "Договор на согласовании", "Юристы клиента согласуют договор" },
  { "Счёт выставлен", "Счёт направлен клиенту" },
};
static const Pair ru_won_stages[] = {
  { "Договор подписан", "Договор подписан обеими сторонами" },
  { "Оплачено", "Деньги поступили на счёт" },
};
static const Pair ru_paused_stage[] = { { "Отложено", "Клиент приостановил переговоры" } };
static const Pair ru_lost_stage[] = { { "Отказ", "Клиент не будет покупать" } };
static const char * const ru_sources[] = {
  "Сайт", "Выставка", "Рекомендация", "Холодный звонок", "Реклама", "Вебинар", "Партнёр",
};
static const char * const ru_channels[] = { "Телефон", "Эл. почта", "Форма на сайте", "Мессенджер", "Лично" };
static const char * const ru_reject_reasons[] = {
  "Дубль существующего клиента", "Спам", "Не наша целевая аудитория", "Нет бюджета",
  "Неверные контактные данные", "Конкурент узнаёт цены",
};
static const char * const ru_lost_reasons[] = {
  "Выбрали конкурента", "Нет бюджета в этом году", "Слишком дорого", "Проект отменён",
  "Долго не выходит на связь", "Решили сделать своими силами", "Сменился ЛПР",
};
static const char * const ru_pause_reasons[] = {
  "Клиент отложил решение", "Бюджет заморожен до следующего квартала", "ЛПР в отпуске",
  "Реорганизация у клиента",
};
static const char * const ru_back_reasons[] = {
  "Клиент попросил пересмотреть условия", "К переговорам подключился новый ЛПР",
  "Изменились требования",
};
static const char * const ru_lead_notes[] = {
  "", "", "", "", "Просил перезвонить после обеда", "Хочет получить прайс-лист",
  "Узнал о нас от коллеги", "Интересуется скидкой",
};
static const char * const ru_client_notes[] = {
  "", "", "", "", "", "", "Платит вовремя", "Предпочитает почту звонкам",
  "Долго принимает решения", "Сначала связываться с главным бухгалтером",
};
static const char * const ru_tasks_early[] = {
  "Позвонить и представить компанию", "Отправить презентацию компании", "Выйти на ЛПР",
  "Договориться о первой встрече", "Уточнить потребности клиента",
};
static const char * const ru_tasks_mid[] = {
  "Провести презентацию", "Подготовить КП", "Направить КП", "Напомнить о КП",
  "Встретиться с агентом влияния", "Ответить на вопросы клиента",
};
static const char * const ru_tasks_late[] = {
  "Согласовать цену", "Направить проект договора", "Согласовать договор с юристами",
  "Подписать договор", "Выставить счёт",
};
static const char * const ru_tasks_won[] = {
  "Проконтролировать оплату", "Отправить закрывающие документы", "Запросить отзыв",
  "Предложить повторную услугу",
};
static const char * const ru_tasks_resume[] = {
  "Перезвонить после паузы", "Узнать, утверждён ли бюджет", "Отправить новости о продукте",
};
static const char * const ru_task_notes[] = {
  "", "", "", "", "Звонить до обеда", "Взять обновлённый прайс-лист",
  "Поставить в копию руководителя отдела",
};
static const char * const ru_done_results[] = {
  "Выполнено, клиент подтвердил.", "Встреча проведена, клиент заинтересован.",
  "Отправлено, клиент подтвердил получение.", "Договорились, следующий шаг на следующей неделе.",
  "ЛПР попросил более подробное предложение.", "Выполнено, переходим к следующему этапу.",
};
static const char * const ru_failed_results[] = {
  "Клиент не ответил, попробовать позже.", "ЛПР отказался от встречи в этом месяце.",
  "КП отклонено: дорого.", "Контактное лицо в отпуске.", "Клиент решил отложить решение.",
};
static const char * const ru_cancelled_results[] = {
  "", "Больше не требуется.", "Заменена другой задачей.",
};
static const Pair ru_calls[] = {
  { "Звонок клиенту", "Обсудили условия и дальнейшие шаги." },
  { "Входящий звонок", "Клиент спрашивал о сроках работ." },
  { "Звонок ЛПР", "ЛПР попросил перезвонить через неделю." },
};
static const Pair ru_meetings[] = {
  { "Встреча в офисе клиента", "Презентовали продукт ЛПР." },
  { "Видеовстреча", "Прошли по КП пункт за пунктом." },
  { "Встреча у нас в офисе", "Клиент познакомился с командой проекта." },
};
static const Pair ru_emails[] = {
  { "Письмо клиенту", "Отправили обещанные на встрече материалы." },
  { "Ответ клиента", "У клиента вопросы по цене." },
};
static const Pair ru_proposals[] = {
  { "Направлено КП", "Индивидуальное предложение с ценой и условиями." },
  { "Направлено обновлённое КП", "Цена пересмотрена после переговоров." },
};
static const Pair ru_contracts[] = {
  { "Договор подписан", "Договор подписан обеими сторонами." },
};
static const Pair ru_payments[] = {
  { "Поступила оплата", "Оплата поступила в полном объёме." },
  { "Поступил аванс", "Половина суммы оплачена авансом." },
};
static const Pair ru_notes[] = {
  { "Заметка", "Клиент сравнивает нас с двумя конкурентами." },
  { "Заметка", "Главный бухгалтер поддерживает наше предложение." },
  { "Заметка", "Бюджет утверждают в следующем квартале." },
};
static const Pair ru_others[] = {
  { "Конференция", "Встретились с клиентом на отраслевой конференции." },
  { "Отправлен подарок", "Отправили праздничный подарок ключевому контакту." },
};
static const Pair ru_planned_events[] = {
  { "Запланирован звонок", "Позвонить ЛПР по поводу КП." },
  { "Встреча с ЛПР", "Обсудить условия договора." },
  { "Презентация для правления", "Представить продукт правлению клиента." },
};

static const Lang lang_ru = {
  .russian = TRUE,
  .male_first = PAIRS (ru_male_first),
  .female_first = PAIRS (ru_female_first),
  .surnames = PAIRS (ru_surnames),
  .patronymics = PAIRS (ru_patronymics),
  .company_first = PAIRS (ru_company_first),
  .company_second = PAIRS (ru_company_second),
  .industries = { NULL, 0 },
  .legal_forms = TEXTS (ru_legal_forms),
  .area_codes = TEXTS (ru_area_codes),
  .cities = TEXTS (ru_cities),
  .streets = TEXTS (ru_streets),
  .positions = TEXTS (ru_positions),
  .audiences = PAIRS (ru_audiences),
  .products = PAIRS (ru_products),
  .open_stages = PAIRS (ru_open_stages),
  .won_stages = PAIRS (ru_won_stages),
  .paused_stage = PAIRS (ru_paused_stage),
  .lost_stage = PAIRS (ru_lost_stage),
  .sources = TEXTS (ru_sources),
  .channels = TEXTS (ru_channels),
  .reject_reasons = TEXTS (ru_reject_reasons),
  .lost_reasons = TEXTS (ru_lost_reasons),
  .pause_reasons = TEXTS (ru_pause_reasons),
  .back_reasons = TEXTS (ru_back_reasons),
  .lead_notes = TEXTS (ru_lead_notes),
  .client_notes = TEXTS (ru_client_notes),
  .tasks = {
    TEXTS (ru_tasks_early), TEXTS (ru_tasks_mid), TEXTS (ru_tasks_late),
    TEXTS (ru_tasks_won), TEXTS (ru_tasks_resume),
  },
  .task_notes = TEXTS (ru_task_notes),
  .done_results = TEXTS (ru_done_results),
  .failed_results = TEXTS (ru_failed_results),
  .cancelled_results = TEXTS (ru_cancelled_results),
  .events = {
    PAIRS (ru_calls), PAIRS (ru_meetings), PAIRS (ru_emails), PAIRS (ru_proposals),
    PAIRS (ru_contracts), PAIRS (ru_payments), PAIRS (ru_notes), PAIRS (ru_others),
  },
  .planned_events = PAIRS (ru_planned_events),
};

G_STATIC_ASSERT (G_N_ELEMENTS (en_products) == G_N_ELEMENTS (ru_products));
G_STATIC_ASSERT (G_N_ELEMENTS (en_products) + 1 >= 20);
G_STATIC_ASSERT (G_N_ELEMENTS (en_audiences) >= 8 && G_N_ELEMENTS (ru_audiences) >= 8);

/* SQL */

static const char sql_count_sales[] = "SELECT count(*) FROM sales";
static const char sql_find_user[] = "SELECT id, role FROM users WHERE login = ?";
static const char sql_insert_user[] =
  "INSERT INTO users (login, full_name, email, role, may_accept, password_hash, active, created_at) "
  "VALUES (?, ?, ?, ?, ?, NULL, 1, ?)";
static const char sql_find_audience[] = "SELECT id FROM audiences WHERE name = ?";
static const char sql_insert_audience[] = "INSERT INTO audiences (name, description) VALUES (?, ?)";
static const char sql_find_product[] = "SELECT id FROM products WHERE name = ?";
static const char sql_insert_product[] =
  "INSERT INTO products (name, description, audience_id, manager_id, active, created_at) "
  "VALUES (?, ?, ?, ?, 1, ?)";
static const char sql_product_stages[] =
  "SELECT id, kind FROM stages WHERE product_id = ? ORDER BY position, id";
static const char sql_insert_stage[] =
  "INSERT INTO stages (product_id, position, name, description, kind, probability, stuck_days) "
  "VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_client[] =
  "INSERT INTO clients (kind, name, tax_id, phones, emails, address, website, audience_id, "
  "manager_id, is_customer, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
static const char sql_insert_contact[] =
  "INSERT INTO contacts (client_id, name, position, phone, email, role) VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_insert_lead[] =
  "INSERT INTO leads (name, company, position, phone, email, tax_id, source, channel, product_id, "
  "notes, received_at, state, decided_by, decided_at, reject_reason, owner_id, client_id, created_at, "
  "phone_key, email_key) "
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_sale[] =
  "INSERT INTO sales (client_id, product_id, stage_id, owner_id, lead_id, amount, expected_close, "
  "lost_reason, paused_until, stage_entered_at, closed_at, created_at) "
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_stage_change[] =
  "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at, reason) "
  "VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_insert_task[] =
  "INSERT INTO tasks (sale_id, title, notes, owner_id, due_at, due_has_time, target_stage_id, "
  "state, result, position, created_at, created_by, closed_at) "
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_event[] =
  "INSERT INTO events (sale_id, kind, title, text, at, planned, author_id, created_at) "
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
/* Everyone has read the sales book up to two days ago: what colleagues
 * wrote since is unread (the watermark of schema version 6). */
static const char sql_read_book[] = "UPDATE event_read_upto SET created_at = ?, event_id = 0";
static const char sql_mark_customers[] =
  "UPDATE clients SET is_customer = 1 WHERE id IN "
  "(SELECT s.client_id FROM sales s JOIN stages st ON st.id = s.stage_id WHERE st.kind = 'won')";

/* Random helpers */

/* A number in [0, n). */
static guint
rnd (Demo  *d,
     guint  n)
{
  if (n <= 1)
    return 0;
  return (guint) g_rand_int_range (d->r, 0, (gint32) n);
}

/* A number in [lo, hi]. */
static gint64
rnd_range (Demo   *d,
           gint64  lo,
           gint64  hi)
{
  if (hi <= lo)
    return lo;
  if (hi - lo < G_MAXINT32)
    return lo + g_rand_int_range (d->r, 0, (gint32) (hi - lo + 1));
  return lo + (gint64) (g_rand_double (d->r) * (double) (hi - lo + 1));
}

static gboolean
chance (Demo *d,
        guint percent)
{
  return rnd (d, 100) < percent;
}

static const char *
pick_text (Demo           *d,
           const TextList *list)
{
  return list->items[rnd (d, list->n)];
}

static const Pair *
pick_pair (Demo           *d,
           const PairList *list)
{
  return &list->items[rnd (d, list->n)];
}

static gint64
pick_id (Demo   *d,
         GArray *ids)
{
  if (ids->len == 0)
    return d->admin_id;
  return g_array_index (ids, gint64, rnd (d, ids->len));
}

/* Time helpers */

/* Not MIN () and MAX (): they would draw random numbers twice. */
static inline gint64
earlier (gint64 a,
         gint64 b)
{
  return a < b ? a : b;
}

static inline gint64
later (gint64 a,
       gint64 b)
{
  return a > b ? a : b;
}

static gint64
day_start (Demo *d,
           int   day)
{
  return d->midnights[CLAMP (day, MIN_DAY, MAX_DAY) - MIN_DAY];
}

static int
day_of (Demo   *d,
        gint64  t)
{
  gint64 diff = t - d->day0;
  int day = (int) (diff >= 0 ? diff / DAY : -((-diff + DAY - 1) / DAY));

  day = CLAMP (day, MIN_DAY, MAX_DAY);
  while (day < MAX_DAY && day_start (d, day + 1) <= t)
    day++;
  while (day > MIN_DAY && day_start (d, day) > t)
    day--;
  return day;
}

/* @day, or a working day next to it on the same side of today: Saturday
 * moves to Friday and Sunday to Monday where they can. */
static int
work_day (Demo *d,
          int   day)
{
  int weekday = ((d->weekday0 + day) % 7 + 7) % 7;

  if (day == 0)
    return day;
  if (weekday == 5)
    return day == 1 ? day + 2 : day - 1;
  if (weekday == 6)
    return day == -1 ? day - 2 : day + 1;
  return day;
}

/* A moment in working hours (9 to 18 local time) of @day, moved off the
 * weekend. */
static gint64
work_time (Demo *d,
           int   day)
{
  return day_start (d, work_day (d, day)) + 9 * HOUR + rnd (d, 9 * 3600);
}

/* Progress and cancelling */

static gboolean
tick (Demo     *d,
      double    units,
      GError  **error)
{
  d->done_units += units;
  if (g_cancellable_is_cancelled (d->params->cancellable))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Cancelled."));
      return FALSE;
    }
  if (d->params->progress != NULL && d->done_units - d->reported_units >= d->total_units / 200)
    {
      d->reported_units = d->done_units;
      d->params->progress (MIN (0.99, d->done_units / d->total_units), d->params->progress_data);
    }
  return TRUE;
}

/* People and companies */

static void
make_person (Demo   *d,
             Person *p)
{
  const Lang *lang = d->lang;

  p->female = chance (d, 45);
  p->first = pick_pair (d, p->female ? &lang->female_first : &lang->male_first);
  p->last = pick_pair (d, &lang->surnames);
  p->patronymic = lang->patronymics.n > 0 ? pick_pair (d, &lang->patronymics) : NULL;
}

static char *
person_surname (Demo         *d,
                const Person *p)
{
  if (d->lang->russian && p->female)
    return g_strconcat (p->last->a, "а", NULL);
  return g_strdup (p->last->a);
}

static char *
person_surname_latin (Demo         *d,
                      const Person *p)
{
  if (d->lang->russian && p->female)
    return g_strconcat (p->last->b, "a", NULL);
  return g_strdup (p->last->b);
}

/* "Фамилия Имя Отчество" in Russian, "First Last" in English. */
static char *
person_full_name (Demo         *d,
                  const Person *p)
{
  g_autofree char *surname = person_surname (d, p);

  if (p->patronymic != NULL)
    return g_strdup_printf ("%s %s %s", surname, p->first->a,
                            p->female ? p->patronymic->b : p->patronymic->a);
  return g_strdup_printf ("%s %s", p->first->a, surname);
}

/* "First Last" in both languages. */
static char *
person_short_name (Demo         *d,
                   const Person *p)
{
  g_autofree char *surname = person_surname (d, p);

  return g_strdup_printf ("%s %s", p->first->a, surname);
}

static char *
person_email (Demo         *d,
              const Person *p,
              const char   *domain)
{
  g_autofree char *surname = person_surname_latin (d, p);

  if (chance (d, 50))
    return g_strdup_printf ("%s.%s@%s", p->first->b, surname, domain);
  return g_strdup_printf ("%c.%s@%s", p->first->b[0], surname, domain);
}

static char *
make_phone (Demo     *d,
            gboolean  mobile)
{
  if (d->lang->russian)
    {
      if (mobile)
        return g_strdup_printf ("+7 (9%02u) %03u-%02u-%02u", rnd (d, 100), rnd (d, 1000),
                                rnd (d, 100), rnd (d, 100));
      return g_strdup_printf ("+7 (%s) %03u-%02u-%02u", pick_text (d, &d->lang->area_codes),
                              100 + rnd (d, 900), rnd (d, 100), rnd (d, 100));
    }
  /* 555-0100 to 555-0199 are reserved for fiction. */
  return g_strdup_printf ("+1 (%s) 555-01%02u", pick_text (d, &d->lang->area_codes), rnd (d, 100));
}

/* A Russian INN: 10 digits for a company, 12 for a person, with check digits. */
static char *
make_tax_id (Demo  *d,
             guint  length)
{
  static const int k10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  static const int k11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  static const int k12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  int digits[12];
  char text[13];
  guint region = 1 + rnd (d, 99);
  guint n_random = length == 12 ? 10 : 9;

  digits[0] = (int) (region / 10);
  digits[1] = (int) (region % 10);
  for (guint i = 2; i < n_random; i++)
    digits[i] = (int) rnd (d, 10);

  if (length == 12)
    {
      int s11 = 0, s12 = 0;

      for (guint i = 0; i < 10; i++)
        s11 += k11[i] * digits[i];
      digits[10] = s11 % 11 % 10;
      for (guint i = 0; i < 11; i++)
        s12 += k12[i] * digits[i];
      digits[11] = s12 % 11 % 10;
    }
  else
    {
      int s10 = 0;

      for (guint i = 0; i < 9; i++)
        s10 += k10[i] * digits[i];
      digits[9] = s10 % 11 % 10;
      length = 10;
    }

  for (guint i = 0; i < length; i++)
    text[i] = (char) ('0' + digits[i]);
  text[length] = '\0';
  return g_strdup (text);
}

static char *
make_address (Demo *d)
{
  const Lang *lang = d->lang;

  if (lang->russian)
    return g_strdup_printf ("г. %s, %s, д. %u, офис %u", pick_text (d, &lang->cities),
                            pick_text (d, &lang->streets), 1 + rnd (d, 120), 1 + rnd (d, 500));
  return g_strdup_printf ("%u %s, %s", 1 + rnd (d, 900), pick_text (d, &lang->streets),
                          pick_text (d, &lang->cities));
}

/* A company name and the Latin name of its (fictional) domain. */
static void
make_company (Demo  *d,
              char **name,
              char **domain)
{
  const Lang *lang = d->lang;
  const Pair *first = pick_pair (d, &lang->company_first);
  const Pair *second = pick_pair (d, &lang->company_second);
  const char *form = pick_text (d, &lang->legal_forms);

  /* Avoid "СтройСтрой" and "Stonestone". */
  if (g_str_equal (first->b, second->b))
    second = &lang->company_second.items[(second - lang->company_second.items + 1) %
                                         lang->company_second.n];

  if (lang->russian)
    {
      *name = g_strdup_printf ("%s «%s%s»", form, first->a, second->a);
      /* The ".example" domain is reserved: demo mail can never reach anyone. */
      *domain = g_strdup_printf ("%s%s.example", first->b, second->b);
    }
  else
    {
      const Pair *industry = pick_pair (d, &lang->industries);

      *name = g_strdup_printf ("%s%s %s %s", first->a, second->a, industry->a, form);
      *domain = g_strdup_printf ("%s%s-%s.example", first->b, second->b, industry->b);
    }
}

/* Products and funnels */

static void
demo_product_free (gpointer data)
{
  DemoProduct *p = data;

  g_array_unref (p->stages);
  g_array_unref (p->open);
  g_array_unref (p->won);
  g_array_unref (p->lost);
  g_array_unref (p->paused);
  g_free (p);
}

static DemoProduct *
demo_product_new (gint64 id,
                  guint  weight)
{
  DemoProduct *p = g_new0 (DemoProduct, 1);

  p->id = id;
  p->weight = weight;
  p->stages = g_array_new (FALSE, FALSE, sizeof (DemoStage));
  p->open = g_array_new (FALSE, FALSE, sizeof (guint));
  p->won = g_array_new (FALSE, FALSE, sizeof (guint));
  p->lost = g_array_new (FALSE, FALSE, sizeof (guint));
  p->paused = g_array_new (FALSE, FALSE, sizeof (guint));
  return p;
}

static StageKind
kind_from_string (const char *kind)
{
  if (g_strcmp0 (kind, "won") == 0)
    return KIND_WON;
  if (g_strcmp0 (kind, "lost") == 0)
    return KIND_LOST;
  if (g_strcmp0 (kind, "paused") == 0)
    return KIND_PAUSED;
  return KIND_OPEN;
}

static void
product_add_stage (DemoProduct *p,
                   gint64       id,
                   StageKind    kind)
{
  GArray *by_kind[] = { p->open, p->won, p->lost, p->paused };
  DemoStage stage = { id, kind, by_kind[kind]->len, 0 };
  guint index_ = p->stages->len;

  g_array_append_val (p->stages, stage);
  g_array_append_val (by_kind[kind], index_);
}

/* A sale is more likely to sit at an early open stage than a late one; a
 * good share of the year's sales is already won or lost. */
static void
product_compute_weights (DemoProduct *p)
{
  p->total_weight = 0;
  for (guint i = 0; i < p->stages->len; i++)
    {
      DemoStage *stage = &g_array_index (p->stages, DemoStage, i);

      switch (stage->kind)
        {
        case KIND_OPEN:
          stage->weight = p->open->len - stage->phase + 1;
          break;
        case KIND_WON:
          stage->weight = 2 * (p->won->len - stage->phase);
          break;
        case KIND_LOST:
          stage->weight = p->open->len + 1;
          break;
        case KIND_PAUSED:
        default:
          stage->weight = 2;
          break;
        }
      p->total_weight += stage->weight;
    }
}

static gboolean
insert_stage (Demo         *d,
              DemoProduct  *p,
              guint         position,
              const char   *name,
              const char   *description,
              const char   *kind,
              int           probability,
              int           stuck_days,
              GError      **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_stage, error);

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IisssiN", p->id, (int) position, name, description, kind, probability,
                   (gint64) stuck_days);
  if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
    return FALSE;
  product_add_stage (p, sqlite3_last_insert_rowid (d->db), kind_from_string (kind));
  d->touched_stages = TRUE;
  return TRUE;
}

static gboolean
insert_template_stages (Demo         *d,
                        DemoProduct  *p,
                        GError      **error)
{
  const ScimStageTemplate *stages;
  guint n_stages;

  stages = scim_funnel_template_get_stages (&n_stages);
  for (guint i = 0; i < n_stages; i++)
    {
      if (!insert_stage (d, p, i, _(stages[i].name), _(stages[i].description), stages[i].kind,
                         stages[i].probability, stages[i].stuck_days, error))
        return FALSE;
    }
  return TRUE;
}

/* A plausible funnel of 5 to 9 stages: open ones in order, then won, paused
 * and lost. */
static gboolean
insert_random_stages (Demo         *d,
                      DemoProduct  *p,
                      GError      **error)
{
  const Lang *lang = d->lang;
  guint n_stages = 5 + rnd (d, 5);
  guint n_won = n_stages >= 7 && chance (d, 50) ? 2 : 1;
  guint n_open = n_stages - 2 - n_won;
  guint n_pool = lang->open_stages.n;
  gboolean chosen[16] = { FALSE, };
  guint position = 0;
  guint done = 0;

  g_assert (n_pool <= G_N_ELEMENTS (chosen) && n_open <= n_pool);

  /* Always start with the first contact; choose the rest at random. */
  chosen[0] = TRUE;
  for (guint left = n_open - 1; left > 0;)
    {
      guint i = 1 + rnd (d, n_pool - 1);

      if (!chosen[i])
        {
          chosen[i] = TRUE;
          left--;
        }
    }

  for (guint i = 0; i < n_pool; i++)
    {
      int probability;

      if (!chosen[i])
        continue;
      probability = 10 + (int) (done * 70 / MAX (n_open - 1, 1u));
      if (!insert_stage (d, p, position++, lang->open_stages.items[i].a,
                         lang->open_stages.items[i].b, "open", probability,
                         7 + (int) rnd (d, 24), error))
        return FALSE;
      done++;
    }

  for (guint i = 0; i < n_won; i++)
    {
      guint w = n_won == 1 ? 0 : i;

      if (!insert_stage (d, p, position++, lang->won_stages.items[w].a, lang->won_stages.items[w].b,
                         "won", i + 1 == n_won ? 100 : 90, i + 1 == n_won ? 0 : 30, error))
        return FALSE;
    }

  if (!insert_stage (d, p, position++, lang->paused_stage.items[0].a, lang->paused_stage.items[0].b,
                     "paused", 0, 60, error))
    return FALSE;
  return insert_stage (d, p, position, lang->lost_stage.items[0].a, lang->lost_stage.items[0].b,
                       "lost", 0, 0, error);
}

static gboolean
load_stages (Demo         *d,
             DemoProduct  *p,
             GError      **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_product_stages, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", p->id);
  while ((rc = _scim_store_step (d->store, stmt, error)) == SQLITE_ROW)
    product_add_stage (p, sqlite3_column_int64 (stmt, 0),
                       kind_from_string ((const char *) sqlite3_column_text (stmt, 1)));
  return rc == SQLITE_DONE;
}

/* Users, audiences, products */

static gboolean
insert_users (Demo    *d,
              GError **error)
{
  g_autoptr(GHashTable) surnames = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 created_at = work_time (d, -400);

  for (guint i = 0; i < d->counts.users; i++)
    {
      g_autofree char *login = NULL;
      g_autofree char *full_name = NULL;
      g_autofree char *email = NULL;
      g_autofree char *found_role = NULL;
      const char *role;
      sqlite3_stmt *stmt;
      Person p;
      gint64 id = 0;
      int rc;

      if (i == 0)
        {
          role = "admin";
          login = g_strdup ("admin");
        }
      else if (i <= d->n_heads)
        {
          role = "head";
          login = i == 1 ? g_strdup ("head") : g_strdup_printf ("head%u", i);
        }
      else
        {
          role = "sales";
          login = g_strdup_printf ("sales%u", i - d->n_heads);
        }

      /* Draw the person even for an existing user, so that the rest of the
       * data does not depend on who was there before.  Colleagues mostly
       * have different surnames. */
      for (guint attempt = 0; attempt < 20; attempt++)
        {
          make_person (d, &p);
          if (!g_hash_table_contains (surnames, p.last->a))
            break;
        }
      g_hash_table_add (surnames, (gpointer) p.last->a);
      full_name = person_short_name (d, &p);
      email = person_email (d, &p, "example.com");

      stmt = _scim_store_prepare (d->store, sql_find_user, error);
      if (stmt == NULL)
        return FALSE;
      _scim_stmt_bind (stmt, "s", login);
      rc = _scim_store_step (d->store, stmt, error);
      if (rc == SCIM_STMT_ERROR)
        return FALSE;
      if (rc == SQLITE_ROW)
        {
          id = sqlite3_column_int64 (stmt, 0);
          found_role = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          sqlite3_reset (stmt);
          role = found_role;
        }
      else
        {
          stmt = _scim_store_prepare (d->store, sql_insert_user, error);
          if (stmt == NULL)
            return FALSE;
          _scim_stmt_bind (stmt, "ssssiI", login, full_name, email, role,
                           g_str_equal (role, "head") ? 1 : 0, created_at);
          if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
            return FALSE;
          id = sqlite3_last_insert_rowid (d->db);
          d->touched_users = TRUE;
        }

      if (g_strcmp0 (role, "admin") == 0)
        {
          if (d->admin_id == 0)
            d->admin_id = id;
        }
      else if (g_strcmp0 (role, "head") == 0)
        g_array_append_val (d->heads, id);
      else
        g_array_append_val (d->sales_users, id);
    }

  /* Someone has to decide on leads and own sales, whatever was there. */
  if (d->heads->len == 0)
    g_array_append_val (d->heads, d->admin_id);
  if (d->sales_users->len == 0)
    g_array_append_vals (d->sales_users, d->heads->data, d->heads->len);
  return TRUE;
}

static gboolean
find_id (Demo        *d,
         const char  *sql,
         const char  *name,
         gint64      *id,
         GError     **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "s", name);
  rc = _scim_store_step (d->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
insert_audiences (Demo    *d,
                  GError **error)
{
  for (guint i = 0; i < d->counts.audiences; i++)
    {
      const Pair *audience = &d->lang->audiences.items[i];
      gint64 id;

      if (!find_id (d, sql_find_audience, audience->a, &id, error))
        return FALSE;
      if (id == 0)
        {
          sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_audience, error);

          if (stmt == NULL)
            return FALSE;
          _scim_stmt_bind (stmt, "ss", audience->a, audience->b);
          if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
            return FALSE;
          id = sqlite3_last_insert_rowid (d->db);
          d->touched_audiences = TRUE;
        }
      g_array_append_val (d->audiences, id);
    }
  return TRUE;
}

static gboolean
insert_products (Demo    *d,
                 GError **error)
{
  gint64 created_at = work_time (d, -395);

  for (guint i = 0; i < d->counts.products; i++)
    {
      const char *name;
      const char *description;
      DemoProduct *p;
      gint64 audience_id = pick_id (d, d->audiences);
      gint64 manager_id = chance (d, 50) ? pick_id (d, d->heads) : pick_id (d, d->sales_users);
      guint weight = i == 0 ? 4 : 1 + rnd (d, 3);
      gboolean is_template = i == 0;
      gint64 id;

      if (is_template)
        {
          name = _(scim_funnel_template_get_name ());
          description = d->lang->russian ? "Финансовый консалтинг для бизнеса"
                                         : "Financial consulting for businesses";
        }
      else
        {
          name = d->lang->products.items[i - 1].a;
          description = d->lang->products.items[i - 1].b;
        }

      if (!find_id (d, sql_find_product, name, &id, error))
        return FALSE;
      if (id == 0)
        {
          sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_product, error);

          if (stmt == NULL)
            return FALSE;
          _scim_stmt_bind (stmt, "ssNNI", name, description, audience_id, manager_id, created_at);
          if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
            return FALSE;
          id = sqlite3_last_insert_rowid (d->db);
          d->touched_products = TRUE;
        }

      p = demo_product_new (id, weight);
      g_ptr_array_add (d->products, p);

      /* An existing product keeps its own funnel. */
      if (!load_stages (d, p, error))
        return FALSE;
      if (p->stages->len == 0)
        {
          if (is_template ? !insert_template_stages (d, p, error)
                          : !insert_random_stages (d, p, error))
            return FALSE;
        }
      product_compute_weights (p);
      d->products_weight += p->weight;
    }
  return TRUE;
}

static guint
pick_product (Demo *d)
{
  guint x = rnd (d, d->products_weight);

  for (guint i = 0; i < d->products->len; i++)
    {
      DemoProduct *p = g_ptr_array_index (d->products, i);

      if (x < p->weight)
        return i;
      x -= p->weight;
    }
  return 0;
}

/* Clients and contacts */

static void
demo_client_clear (gpointer data)
{
  DemoClient *client = data;

  g_free (client->name);
  g_free (client->tax_id);
}

static gboolean
insert_contact (Demo          *d,
                gint64         client_id,
                const Person  *p,
                const char    *position,
                const char    *domain,
                const char    *role,
                GError       **error)
{
  g_autofree char *name = person_full_name (d, p);
  g_autofree char *phone = make_phone (d, chance (d, 60));
  g_autofree char *email = person_email (d, p, domain);
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_contact, error);

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "Isssss", client_id, name, position, phone, email, role);
  return _scim_store_step (d->store, stmt, error) == SQLITE_DONE;
}

static gboolean
insert_clients (Demo    *d,
                GError **error)
{
  static const char * const other_roles[] = {
    "key_contact", "key_contact", "influence_agent", "influence_agent", "other",
  };
  const Lang *lang = d->lang;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < d->counts.clients; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *domain = NULL;
      g_autofree char *tax_id = NULL;
      g_autofree char *phones = NULL;
      g_autofree char *emails = NULL;
      g_autofree char *address = make_address (d);
      g_autofree char *website = NULL;
      gboolean person = chance (d, lang->russian ? 20 : 15);
      gint64 audience_id = pick_id (d, d->audiences);
      gint64 manager_id = chance (d, 92) ? pick_id (d, d->sales_users) : pick_id (d, d->heads);
      const char *notes = pick_text (d, &lang->client_notes);
      gint64 created_at = work_time (d, -(int) rnd_range (d, 30, 730));
      DemoClient client;
      gint64 client_id;
      Person owner;

      make_person (d, &owner);
      if (person)
        {
          g_autofree char *surname = person_surname (d, &owner);

          if (lang->russian)
            {
              g_autofree char *i1 = g_utf8_substring (owner.first->a, 0, 1);
              g_autofree char *i2 = g_utf8_substring (owner.female ? owner.patronymic->b
                                                                   : owner.patronymic->a, 0, 1);

              name = g_strdup_printf ("ИП %s %s. %s.", surname, i1, i2);
              tax_id = make_tax_id (d, 12);
            }
          else
            {
              name = person_short_name (d, &owner);
              tax_id = make_tax_id (d, 10);
            }
          domain = g_strdup (lang->russian ? "mail.example" : "mailbox.example");
          phones = make_phone (d, TRUE);
          emails = person_email (d, &owner, domain);
          website = g_strdup ("");
        }
      else
        {
          make_company (d, &name, &domain);
          tax_id = make_tax_id (d, 10);
          if (chance (d, 30))
            {
              g_autofree char *first = make_phone (d, FALSE);
              g_autofree char *second = make_phone (d, FALSE);

              phones = g_strdup_printf ("%s, %s", first, second);
            }
          else
            phones = make_phone (d, FALSE);
          emails = g_strdup_printf ("%s@%s", chance (d, 50) ? "info" : "office", domain);
          website = g_strdup_printf ("https://www.%s", domain);
        }

      stmt = _scim_store_prepare (d->store, sql_insert_client, error);
      if (stmt == NULL)
        return FALSE;
      _scim_stmt_bind (stmt, "sssssssNNsI", person ? "person" : "company", name, tax_id, phones,
                       emails, address, website, audience_id, manager_id, notes, created_at);
      if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
        return FALSE;
      client_id = sqlite3_last_insert_rowid (d->db);

      /* One to three contacts: the owner of a one-person business, or people
       * of the company with their part in the decision. */
      if (person)
        {
          if (!insert_contact (d, client_id, &owner, lang->russian ? "Владелец" : "Owner",
                               domain, "decision_maker", error))
            return FALSE;
        }
      else
        {
          guint n_contacts = chance (d, 40) ? 1 : chance (d, 60) ? 2 : 3;

          for (guint c = 0; c < n_contacts; c++)
            {
              Person contact;
              const char *role;
              const char *position;

              if (c == 0)
                {
                  contact = owner;
                  role = chance (d, 65) ? "decision_maker" : "key_contact";
                  position = role[0] == 'd' ? lang->positions.items[rnd (d, 3)]
                                            : pick_text (d, &lang->positions);
                }
              else
                {
                  make_person (d, &contact);
                  role = other_roles[rnd (d, G_N_ELEMENTS (other_roles))];
                  position = pick_text (d, &lang->positions);
                }
              if (!insert_contact (d, client_id, &contact, position, domain, role, error))
                return FALSE;
            }
        }

      client.id = client_id;
      client.manager_id = manager_id;
      client.name = g_steal_pointer (&name);
      client.tax_id = g_steal_pointer (&tax_id);
      g_array_append_val (d->clients, client);

      if (!tick (d, 3, error))
        return FALSE;
    }
  return TRUE;
}

/* Leads */

static gboolean
insert_leads (Demo    *d,
              GError **error)
{
  const Lang *lang = d->lang;

  for (guint i = 0; i < d->counts.leads; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *company = NULL;
      g_autofree char *domain = NULL;
      g_autofree char *phone = NULL;
      g_autofree char *email = NULL;
      g_autofree char *phone_key = NULL;
      g_autofree char *email_key = NULL;
      const char *tax_id = "";
      g_autofree char *new_tax_id = NULL;
      guint x = rnd (d, 100);
      const char *state = x < 20 ? "new" : x < 75 ? "accepted" : "rejected";
      guint product = pick_product (d);
      DemoProduct *p = g_ptr_array_index (d->products, product);
      const char *position = chance (d, 70) ? pick_text (d, &lang->positions) : "";
      const char *source = pick_text (d, &lang->sources);
      const char *channel = pick_text (d, &lang->channels);
      const char *notes = pick_text (d, &lang->lead_notes);
      const char *reject_reason = NULL;
      gint64 received_at, decided_at = 0, decided_by = 0, owner_id = 0, client_id = 0;
      guint client = 0;
      sqlite3_stmt *stmt;
      Person person;

      /* New leads are mostly fresh; some have waited too long. */
      if (state[0] == 'n')
        received_at = work_time (d, chance (d, 85) ? -(int) rnd_range (d, 0, 14)
                                                   : -(int) rnd_range (d, 15, 90));
      else
        received_at = work_time (d, -(int) rnd_range (d, 1, 365));
      if (received_at >= d->day0)
        received_at = d->day0 - HOUR;

      make_person (d, &person);
      name = person_short_name (d, &person);

      if (state[0] == 'a')
        {
          client = rnd (d, d->clients->len);
          company = g_strdup (g_array_index (d->clients, DemoClient, client).name);
          tax_id = g_array_index (d->clients, DemoClient, client).tax_id;
          client_id = g_array_index (d->clients, DemoClient, client).id;
          owner_id = chance (d, 70) ? g_array_index (d->clients, DemoClient, client).manager_id
                                    : pick_id (d, d->sales_users);
        }
      else if (chance (d, 80))
        {
          make_company (d, &company, &domain);
          if (chance (d, 30))
            tax_id = new_tax_id = make_tax_id (d, 10);
        }
      else
        company = g_strdup ("");
      if (domain == NULL)
        domain = g_strdup (lang->russian ? "mail.example" : "mailbox.example");

      phone = chance (d, 85) ? make_phone (d, chance (d, 50)) : g_strdup ("");
      email = chance (d, 75) ? person_email (d, &person, domain) : g_strdup ("");

      if (state[0] != 'n')
        {
          decided_at = earlier (received_at + rnd_range (d, 1800, 3 * DAY), d->day0 - 60);
          decided_by = pick_id (d, d->heads);
        }
      if (state[0] == 'r')
        reject_reason = pick_text (d, &lang->reject_reasons);

      stmt = _scim_store_prepare (d->store, sql_insert_lead, error);
      if (stmt == NULL)
        return FALSE;
      phone_key = scim_lead_phone_key (phone);
      email_key = scim_lead_email_key (email);
      _scim_stmt_bind (stmt, "ssssssssNsIsNNsNNIss", name, company, position, phone, email, tax_id,
                       source, channel, p->id, notes, received_at, state, decided_by, decided_at,
                       reject_reason, owner_id, client_id, received_at, phone_key, email_key);
      if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
        return FALSE;

      if (state[0] == 'a')
        {
          DemoLead lead = { sqlite3_last_insert_rowid (d->db), client, product, owner_id, decided_at };

          g_array_append_val (d->accepted, lead);
        }

      if (!tick (d, 1, error))
        return FALSE;
    }
  return TRUE;
}

/* Sales */

static guint
pick_final_stage (Demo        *d,
                  DemoProduct *p)
{
  guint x;

  /* The first sales of each product cover its whole funnel. */
  if (p->n_sales < p->stages->len)
    return p->n_sales;

  x = rnd (d, p->total_weight);
  for (guint i = 0; i < p->stages->len; i++)
    {
      const DemoStage *stage = &g_array_index (p->stages, DemoStage, i);

      if (x < stage->weight)
        return i;
      x -= stage->weight;
    }
  return 0;
}

static void
path_push (Demo       *d,
           guint       stage,
           StepReason  why,
           gint64      gap)
{
  Step step = { stage, why, gap, 0 };

  g_array_append_val (d->path, step);
}

static const DemoStage *
stage_at (DemoProduct *p,
          guint        i)
{
  return &g_array_index (p->stages, DemoStage, i);
}

static guint
kind_index (GArray *indexes,
            guint   i)
{
  return g_array_index (indexes, guint, i);
}

/* The stages a sale went through to reach @final, with the time spent
 * before each move: forward steps, now and then a step back or a pause. */
static void
build_path (Demo        *d,
            DemoProduct *p,
            guint        final)
{
  const DemoStage *target = stage_at (p, final);
  guint n_open = p->open->len;
  guint last_open;
  guint first_open = 0;

  g_array_set_size (d->path, 0);

  if (n_open == 0 || (target->kind == KIND_OPEN && target->phase == 0))
    {
      path_push (d, final, WHY_NONE, 0);
      return;
    }

  if (target->kind == KIND_OPEN)
    last_open = target->phase;
  else if (target->kind == KIND_WON)
    last_open = n_open - 1;
  else
    last_open = rnd (d, n_open);

  /* Some sales come in warm and skip the first stage. */
  if (last_open >= 2 && chance (d, 15))
    first_open = 1;

  path_push (d, kind_index (p->open, first_open), WHY_NONE, 0);
  for (guint j = first_open + 1; j <= last_open; j++)
    {
      if (j < last_open && chance (d, 8))
        continue;
      path_push (d, kind_index (p->open, j), WHY_NONE, rnd_range (d, 2 * HOUR, 15 * DAY));
      if (d->path->len > MAX_PATH - 8)
        continue;
      if (chance (d, 6))
        {
          path_push (d, kind_index (p->open, j - 1), WHY_BACK, rnd_range (d, HOUR, 10 * DAY));
          path_push (d, kind_index (p->open, j), WHY_NONE, rnd_range (d, DAY, 15 * DAY));
        }
      else if (p->paused->len > 0 && chance (d, 4))
        {
          path_push (d, kind_index (p->paused, 0), WHY_PAUSE, rnd_range (d, HOUR, 5 * DAY));
          path_push (d, kind_index (p->open, j), WHY_NONE, rnd_range (d, 10 * DAY, 60 * DAY));
        }
    }

  switch (target->kind)
    {
    case KIND_WON:
      for (guint w = 0; w <= target->phase; w++)
        path_push (d, kind_index (p->won, w), WHY_NONE, rnd_range (d, DAY, 30 * DAY));
      break;
    case KIND_LOST:
      path_push (d, final, WHY_LOST, rnd_range (d, DAY, 30 * DAY));
      break;
    case KIND_PAUSED:
      path_push (d, final, WHY_PAUSE, rnd_range (d, DAY, 20 * DAY));
      break;
    case KIND_OPEN:
    default:
      break;
    }
}

/* Spreads the moves between @created_at and @end_at, squeezing the gaps
 * when they do not fit. */
static void
path_set_times (Demo   *d,
                gint64  created_at,
                gint64  end_at)
{
  gint64 total = 0;
  double scale = 1.0;
  gint64 at = created_at;

  for (guint i = 1; i < d->path->len; i++)
    total += g_array_index (d->path, Step, i).gap;
  if (total > end_at - created_at && total > 0)
    scale = (double) (end_at - created_at) / (double) total;

  g_array_index (d->path, Step, 0).at = created_at;
  for (guint i = 1; i < d->path->len; i++)
    {
      Step *step = &g_array_index (d->path, Step, i);
      gint64 prev = g_array_index (d->path, Step, i - 1).at;

      /* People move sales in working hours. */
      at += MAX (60, (gint64) ((double) step->gap * scale));
      step->at = later (prev + 60, work_time (d, day_of (d, at)));
      step->at = earlier (step->at, d->day0 - 60);
    }
}

static gint64
make_amount (Demo *d)
{
  guint tier = rnd (d, 10);
  gint64 thousands;

  /* 50 000 to 5 000 000 roubles, rounded to thousands; most deals are small. */
  if (tier < 4)
    thousands = rnd_range (d, 50, 200);
  else if (tier < 8)
    thousands = rnd_range (d, 200, 1000);
  else
    thousands = rnd_range (d, 1000, 5000);
  return thousands * 1000 * 100;
}

static int
compare_history_tasks (gconstpointer a,
                       gconstpointer b)
{
  const HistoryTask *ta = a;
  const HistoryTask *tb = b;

  return ta->due < tb->due ? -1 : ta->due > tb->due ? 1 : 0;
}

/* How many rows of a fixed total one sale gets: around the average of what
 * is left, so that the total comes out exact. */
static guint
take_share (Demo   *d,
            guint  *left,
            guint   sales_left,
            double  weight)
{
  double mean;
  guint n;

  if (sales_left <= 1)
    {
      n = *left;
      *left = 0;
      return n;
    }
  mean = (double) *left / sales_left;
  n = (guint) (mean * weight * (0.25 + 1.5 * g_rand_double (d->r)) + 0.5);
  n = MIN (n, *left);
  *left -= n;
  return n;
}

static TaskPhase
task_phase (DemoProduct *p,
            guint        target)
{
  const DemoStage *stage = stage_at (p, target);

  switch (stage->kind)
    {
    case KIND_WON:
      return PHASE_WON;
    case KIND_OPEN:
      return (TaskPhase) MIN (stage->phase * 3 / MAX (p->open->len, 1u), (guint) PHASE_LATE);
    case KIND_LOST:
    case KIND_PAUSED:
    default:
      return PHASE_RESUME;
    }
}

typedef struct
{
  gint64       sale_id;
  gint64       owner_id;
  gint64       created_at;
  DemoProduct *product;
  gboolean     open;       /* not won or lost: it still has a plan */
} SaleInfo;

static gboolean
insert_task (Demo             *d,
             const SaleInfo   *sale,
             guint             target,
             const char       *state,
             gint64            due,
             gboolean          has_time,
             guint             position,
             gint64            created_at,
             gint64            closed_at,
             GError          **error)
{
  const Lang *lang = d->lang;
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_task, error);
  const char *title = pick_text (d, &lang->tasks[task_phase (sale->product, target)]);
  const char *notes = pick_text (d, &lang->task_notes);
  const char *result = "";
  gint64 owner_id = chance (d, 90) ? sale->owner_id : pick_id (d, d->sales_users);
  gint64 created_by = chance (d, 80) ? sale->owner_id : pick_id (d, d->heads);

  if (stmt == NULL)
    return FALSE;
  if (g_str_equal (state, "done"))
    result = pick_text (d, &lang->done_results);
  else if (g_str_equal (state, "failed"))
    result = pick_text (d, &lang->failed_results);
  else if (g_str_equal (state, "cancelled"))
    result = pick_text (d, &lang->cancelled_results);

  _scim_stmt_bind (stmt, "IssINiNssiINN", sale->sale_id, title, notes, owner_id, due,
                   has_time ? 1 : 0, stage_at (sale->product, target)->id, state, result,
                   (int) position, created_at, created_by, closed_at);
  return _scim_store_step (d->store, stmt, error) == SQLITE_DONE;
}

/* The plan of one sale: closed tasks along its history, in order, then for
 * a sale still in work the planned ones, some overdue, some today, some
 * ahead. */
static gboolean
insert_tasks (Demo            *d,
              const SaleInfo  *sale,
              guint            n_tasks,
              GError         **error)
{
  guint len = d->path->len;
  const Step *path = (const Step *) (gpointer) d->path->data;
  gint64 last_at = path[len - 1].at;
  guint n_planned = 0;
  guint position = 0;
  guint next;

  if (sale->open && n_tasks > 0 && chance (d, 92))
    {
      n_planned = chance (d, 25) ? 2 : 1;
      n_planned = MIN (n_planned, n_tasks);
    }

  g_array_set_size (d->history, 0);
  for (guint i = 0; i < n_tasks - n_planned; i++)
    {
      guint j = rnd (d, len);
      gint64 from = path[j].at;
      gint64 to = j + 1 < len ? path[j + 1].at : MIN (from + 10 * DAY, d->day0 - 60);
      HistoryTask task;

      task.at = rnd_range (d, from, MAX (from, to));
      task.at = work_time (d, day_of (d, task.at));
      task.due = task.at;
      task.target = j + 1 < len ? path[j + 1].stage : path[j].stage;
      g_array_append_val (d->history, task);
    }
  g_array_sort (d->history, compare_history_tasks);

  for (guint i = 0; i < d->history->len; i++)
    {
      const HistoryTask *task = &g_array_index (d->history, HistoryTask, i);
      guint x = rnd (d, 100);
      const char *state = x < 72 ? "done" : x < 92 ? "failed" : "cancelled";
      gboolean has_time = chance (d, 30);
      gint64 due = has_time ? task->at : day_start (d, day_of (d, task->at));
      gint64 closed_at = earlier (task->at + rnd_range (d, 0, 2 * DAY), d->day0 - 60);
      gint64 created_at = later (sale->created_at, task->at - rnd_range (d, HOUR, 7 * DAY));

      if (!insert_task (d, sale, task->target, state, due, has_time, position++, created_at,
                        closed_at, error))
        return FALSE;
    }

  /* The next stage to reach: after the current open one, or the one the
   * sale was at before it was paused. */
  {
    const DemoStage *current = stage_at (sale->product, path[len - 1].stage);

    if (current->kind == KIND_OPEN && current->phase + 1 < sale->product->open->len)
      next = kind_index (sale->product->open, current->phase + 1);
    else if (current->kind == KIND_OPEN && sale->product->won->len > 0)
      next = kind_index (sale->product->won, 0);
    else if (current->kind == KIND_PAUSED && len >= 2)
      next = path[len - 2].stage;
    else
      next = path[len - 1].stage;
  }

  for (guint i = 0; i < n_planned; i++)
    {
      guint x = rnd (d, 100);
      gboolean has_time = chance (d, 30);
      int day = x < 35 ? -(int) rnd_range (d, 1, 20) : x < 45 ? 0 : (int) rnd_range (d, 1, 30);
      gint64 due = has_time ? work_time (d, day) : day_start (d, work_day (d, day));
      gint64 created_at = earlier (last_at + rnd_range (d, 0, 3 * DAY), d->day0 - 60);

      if (!insert_task (d, sale, next, "planned", due, has_time, position++, created_at, 0, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_event (Demo            *d,
              const SaleInfo  *sale,
              EventKind        kind,
              const Pair      *text,
              gint64           at,
              gboolean         planned,
              gint64           created_at,
              GError         **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (d->store, sql_insert_event, error);
  gint64 author_id = chance (d, 85) ? sale->owner_id : pick_id (d, d->heads);

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IsssIiNI", sale->sale_id, event_kinds[kind], text->a, text->b, at,
                   planned ? 1 : 0, author_id, created_at);
  return _scim_store_step (d->store, stmt, error) == SQLITE_DONE;
}

/* The sales book of one sale: the contract and the payment of a won sale
 * when it reached them, calls, letters and meetings along the way, and for
 * some sales in work a call or meeting planned ahead. */
static gboolean
insert_events (Demo            *d,
               const SaleInfo  *sale,
               guint            n_events,
               GError         **error)
{
  static const EventKind common[] = {
    EVENT_CALL, EVENT_CALL, EVENT_CALL, EVENT_CALL, EVENT_CALL, EVENT_CALL,
    EVENT_EMAIL, EVENT_EMAIL, EVENT_EMAIL, EVENT_EMAIL, EVENT_EMAIL,
    EVENT_MEETING, EVENT_MEETING, EVENT_MEETING, EVENT_PROPOSAL, EVENT_PROPOSAL,
    EVENT_NOTE, EVENT_NOTE, EVENT_OTHER,
  };
  const Lang *lang = d->lang;
  guint len = d->path->len;
  const Step *path = (const Step *) (gpointer) d->path->data;
  gint64 first_at = path[0].at;
  gint64 end_at = MIN (path[len - 1].at + 14 * DAY, d->day0 - 60);
  guint n_won = 0;

  if (sale->open && n_events > 0 && chance (d, 30))
    {
      int day = (int) rnd_range (d, 1, 30);
      gint64 created_at = later (first_at, d->day0 - rnd_range (d, HOUR, 5 * DAY));

      if (!insert_event (d, sale, chance (d, 60) ? EVENT_CALL : EVENT_MEETING,
                         pick_pair (d, &lang->planned_events), work_time (d, day), TRUE,
                         created_at, error))
        return FALSE;
      n_events--;
    }

  for (guint i = 0; i < len && n_events > 0; i++)
    {
      if (stage_at (sale->product, path[i].stage)->kind != KIND_WON)
        continue;
      if (!insert_event (d, sale, n_won == 0 ? EVENT_CONTRACT : EVENT_PAYMENT,
                         pick_pair (d, &lang->events[n_won == 0 ? EVENT_CONTRACT : EVENT_PAYMENT]),
                         path[i].at, FALSE, path[i].at, error))
        return FALSE;
      n_won++;
      n_events--;
    }

  for (guint i = 0; i < n_events; i++)
    {
      EventKind kind = common[rnd (d, G_N_ELEMENTS (common))];
      gint64 at = rnd_range (d, first_at, MAX (first_at, end_at));

      at = later (first_at, work_time (d, day_of (d, at)));

      if (!insert_event (d, sale, kind, pick_pair (d, &lang->events[kind]), at, FALSE,
                         at + rnd_range (d, 0, HOUR), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_sales (Demo    *d,
              GError **error)
{
  const Lang *lang = d->lang;
  guint tasks_left = d->counts.tasks;
  guint events_left = d->counts.events;
  guint next_lead = 0;
  guint n_sales = d->counts.sales;

  for (guint i = 0; i < n_sales; i++)
    {
      const DemoLead *lead = NULL;
      DemoProduct *p;
      const DemoStage *final_stage;
      const DemoClient *client;
      const char *lost_reason = NULL;
      const Step *path;
      sqlite3_stmt *stmt;
      SaleInfo sale;
      guint product, final, len, n_tasks, n_events;
      gint64 created_at, end_at, owner_id, expected_close, paused_until = 0, closed_at = 0;
      gint64 amount;

      /* Accepted leads turn into sales along the way. */
      if (next_lead < d->accepted->len &&
          rnd (d, n_sales - i) < d->accepted->len - next_lead)
        lead = &g_array_index (d->accepted, DemoLead, next_lead++);

      if (lead != NULL)
        {
          product = lead->product;
          client = &g_array_index (d->clients, DemoClient, lead->client);
          owner_id = lead->owner_id;
        }
      else
        {
          product = pick_product (d);
          client = &g_array_index (d->clients, DemoClient, rnd (d, d->clients->len));
          owner_id = chance (d, 80) ? client->manager_id : pick_id (d, d->sales_users);
        }
      p = g_ptr_array_index (d->products, product);
      final = pick_final_stage (d, p);
      final_stage = stage_at (p, final);
      p->n_sales++;

      /* Closed sales tend to be older; the ones in work are more recent. */
      if (lead != NULL)
        created_at = earlier (lead->decided_at + rnd_range (d, 600, DAY), d->day0 - 3 * HOUR);
      else if (final_stage->kind == KIND_WON || final_stage->kind == KIND_LOST)
        created_at = work_time (d, -(int) rnd_range (d, 20, 365));
      else
        created_at = work_time (d, -(int) rnd_range (d, 2, 200));

      build_path (d, p, final);
      end_at = d->day0 - 2 * HOUR;
      if (final_stage->kind == KIND_OPEN || final_stage->kind == KIND_PAUSED)
        end_at = created_at + (gint64) ((double) (end_at - created_at) *
                                        (0.4 + 0.6 * g_rand_double (d->r)));
      path_set_times (d, created_at, end_at);
      path = (const Step *) (gpointer) d->path->data;
      len = d->path->len;

      if (final_stage->kind == KIND_WON || final_stage->kind == KIND_LOST)
        {
          closed_at = path[len - 1].at;
          for (guint j = len; j > 0 && stage_at (p, path[j - 1].stage)->kind == final_stage->kind; j--)
            closed_at = path[j - 1].at;
        }
      if (final_stage->kind == KIND_LOST)
        lost_reason = pick_text (d, &lang->lost_reasons);
      if (final_stage->kind == KIND_PAUSED && chance (d, 50))
        paused_until = day_start (d, (int) rnd_range (d, 7, 60));
      if (final_stage->kind == KIND_WON)
        expected_close = day_start (d, day_of (d, closed_at));
      else
        expected_close = day_start (d, day_of (d, created_at) + (int) rnd_range (d, 30, 150));
      amount = make_amount (d);

      stmt = _scim_store_prepare (d->store, sql_insert_sale, error);
      if (stmt == NULL)
        return FALSE;
      _scim_stmt_bind (stmt, "IIIININsNINI", client->id, p->id, final_stage->id, owner_id,
                       lead != NULL ? lead->id : 0, amount, expected_close, lost_reason,
                       paused_until, path[len - 1].at, closed_at, created_at);
      if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
        return FALSE;

      sale.sale_id = sqlite3_last_insert_rowid (d->db);
      sale.owner_id = owner_id;
      sale.created_at = created_at;
      sale.product = p;
      sale.open = final_stage->kind == KIND_OPEN || final_stage->kind == KIND_PAUSED;

      for (guint j = 0; j < len; j++)
        {
          const char *reason = NULL;

          if (path[j].why == WHY_BACK)
            reason = pick_text (d, &lang->back_reasons);
          else if (path[j].why == WHY_PAUSE)
            reason = pick_text (d, &lang->pause_reasons);
          else if (path[j].why == WHY_LOST)
            reason = lost_reason;

          stmt = _scim_store_prepare (d->store, sql_insert_stage_change, error);
          if (stmt == NULL)
            return FALSE;
          _scim_stmt_bind (stmt, "ININIs", sale.sale_id,
                           j > 0 ? stage_at (p, path[j - 1].stage)->id : (gint64) 0,
                           stage_at (p, path[j].stage)->id,
                           chance (d, 85) ? owner_id : pick_id (d, d->heads),
                           path[j].at, reason);
          if (_scim_store_step (d->store, stmt, error) != SQLITE_DONE)
            return FALSE;
        }

      n_tasks = take_share (d, &tasks_left, n_sales - i, sale.open ? 1.15 : 0.85);
      if (!insert_tasks (d, &sale, n_tasks, error))
        return FALSE;
      n_events = take_share (d, &events_left, n_sales - i, sale.open ? 0.9 : 1.1);
      if (!insert_events (d, &sale, n_events, error))
        return FALSE;

      if (!tick (d, 1 + len + n_tasks + n_events, error))
        return FALSE;
    }
  return TRUE;
}

/* The whole fill */

/* The secondary indexes of the tables the fill writes by the thousand,
 * except the one the stage history's trigger looks sales up by (without it
 * every stage change would scan the intervals); and the trigger of the
 * feed of colleagues' events, whose month-long prune per event costs more
 * than the rest of the fill (the feed is filled at once after it); and the
 * triggers of the funnel's summaries on sales and stays, which are worked
 * out at once after it. */
static const char sql_bulk_schema[] =
  "SELECT type, name, sql FROM sqlite_schema WHERE (type = 'index' AND sql IS NOT NULL "
  "AND tbl_name IN ('clients', 'contacts', 'leads', 'sales', 'stage_changes', 'stage_intervals', "
  "'tasks', 'events', 'event_news') AND name != 'stage_intervals_open') "
  "OR (type = 'trigger' AND (name = 'events_news' OR name GLOB 'sales_summary_*' "
  "OR name GLOB 'stage_intervals_summary_*')) ORDER BY type, name";

static gboolean
drop_bulk_schema (Demo    *d,
                  GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* A small fill is quicker with everything in place. */
  if (d->params->scale == SCIM_DEMO_SMALL)
    return TRUE;

  stmt = _scim_store_prepare (d->store, sql_bulk_schema, error);
  if (stmt == NULL)
    return FALSE;
  d->bulk_schema = g_ptr_array_new_with_free_func (g_free);
  while ((rc = _scim_store_step (d->store, stmt, error)) == SQLITE_ROW)
    {
      g_ptr_array_add (d->bulk_schema, g_strdup_printf ("DROP %s \"%s\"", sqlite3_column_text (stmt, 0),
                                                         sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (d->bulk_schema, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  for (guint i = 0; i < d->bulk_schema->len; i += 2)
    {
      if (!_scim_store_exec (d->store, error, g_ptr_array_index (d->bulk_schema, i), ""))
        return FALSE;
    }
  return TRUE;
}

static gboolean
restore_bulk_schema (Demo    *d,
                     GError **error)
{
  if (d->bulk_schema == NULL)
    return TRUE;
  for (guint i = 1; i < d->bulk_schema->len; i += 2)
    {
      const char *sql = g_ptr_array_index (d->bulk_schema, i);

      /* The feed before its trigger comes back; the indexes are back by then. */
      if (g_str_has_prefix (sql, "CREATE TRIGGER") &&
          !_scim_store_exec (d->store, error, SCIM_SCHEMA_EVENT_NEWS_FILL, ""))
        return FALSE;
      if (!_scim_store_exec (d->store, error, sql, ""))
        return FALSE;
    }
  return _scim_tx_rebuild_funnel_summaries (d->tx, error);
}

static gboolean
demo_run (Demo    *d,
          GError **error)
{
  static const char * const bulk_tables[] = {
    "clients", "contacts", "leads", "sales", "stage_changes", "tasks", "events",
  };
  gint64 n_sales;

  n_sales = _scim_store_query_int (d->store, error, sql_count_sales, "");
  if (n_sales < 0)
    return FALSE;
  if (n_sales > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The database already has sales. Demo data can only be added to an empty "
                     "database: create a new database for it."));
      return FALSE;
    }

  if (!insert_users (d, error) ||
      !insert_audiences (d, error) ||
      !insert_products (d, error))
    return FALSE;

  /* The big tables' indexes are dropped for the bulk insert and built again
   * after it: one sort per index instead of a million inserts at random
   * places.  All in the one transaction, so a failure keeps them. */
  if (!drop_bulk_schema (d, error))
    return FALSE;
  if (!insert_clients (d, error) ||
      !insert_leads (d, error) ||
      !insert_sales (d, error) ||
      !restore_bulk_schema (d, error))
    return FALSE;

  if (!_scim_store_exec (d->store, error, sql_mark_customers, ""))
    return FALSE;
  if (!_scim_store_exec (d->store, error, sql_read_book, "I", d->day0 - 2 * DAY))
    return FALSE;

  /* One change per table wakes up the other windows; a change per row
   * would only slow everyone down. */
  if ((d->touched_users && !scim_tx_log (d->tx, "users", 0, "insert", error)) ||
      (d->touched_audiences && !scim_tx_log (d->tx, "audiences", 0, "insert", error)) ||
      (d->touched_products && !scim_tx_log (d->tx, "products", 0, "insert", error)) ||
      (d->touched_stages && !scim_tx_log (d->tx, "stages", 0, "insert", error)))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (bulk_tables); i++)
    {
      if (!scim_tx_log (d->tx, bulk_tables[i], 0, "insert", error))
        return FALSE;
    }
  return TRUE;
}

static void
demo_init (Demo             *d,
           ScimTx           *tx,
           const FillParams *params)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = NULL;
  const char * const *languages = g_get_language_names ();

  memset (d, 0, sizeof *d);
  d->tx = tx;
  d->store = scim_tx_get_store (tx);
  d->db = _scim_store_get_db (d->store);
  d->params = params;
  d->r = g_rand_new_with_seed (params->seed);
  d->lang = languages[0] != NULL && g_str_has_prefix (languages[0], "ru") ? &lang_ru : &lang_en;
  scim_demo_get_counts (params->scale, &d->counts);
  d->n_heads = scale_heads[params->scale];

  /* Every date counts from the start of today, so that the data of a seed
   * does not change during the day. */
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  d->day0 = g_date_time_to_unix (today);
  d->weekday0 = g_date_time_get_day_of_week (today) - 1;
  for (int day = MIN_DAY; day <= MAX_DAY; day++)
    {
      g_autoptr(GDateTime) midnight = g_date_time_add_days (today, day);

      d->midnights[day - MIN_DAY] = g_date_time_to_unix (midnight);
    }

  d->total_units = 3.0 * d->counts.clients + d->counts.leads + 7.0 * d->counts.sales +
                   d->counts.tasks + d->counts.events + 1;

  d->sales_users = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->heads = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->audiences = g_array_new (FALSE, FALSE, sizeof (gint64));
  d->products = g_ptr_array_new_with_free_func (demo_product_free);
  d->clients = g_array_sized_new (FALSE, FALSE, sizeof (DemoClient), d->counts.clients);
  g_array_set_clear_func (d->clients, demo_client_clear);
  d->accepted = g_array_new (FALSE, FALSE, sizeof (DemoLead));
  d->path = g_array_sized_new (FALSE, FALSE, sizeof (Step), MAX_PATH);
  d->history = g_array_new (FALSE, FALSE, sizeof (HistoryTask));
}

static void
demo_clear (Demo *d)
{
  g_clear_pointer (&d->r, g_rand_free);
  g_clear_pointer (&d->bulk_schema, g_ptr_array_unref);
  g_clear_pointer (&d->sales_users, g_array_unref);
  g_clear_pointer (&d->heads, g_array_unref);
  g_clear_pointer (&d->audiences, g_array_unref);
  g_clear_pointer (&d->products, g_ptr_array_unref);
  g_clear_pointer (&d->clients, g_array_unref);
  g_clear_pointer (&d->accepted, g_array_unref);
  g_clear_pointer (&d->path, g_array_unref);
  g_clear_pointer (&d->history, g_array_unref);
}

static gboolean
fill_cb (ScimTx    *tx,
         gpointer   user_data,
         GError   **error)
{
  Demo *d = g_new (Demo, 1);
  gboolean ret;

  /* A retried transaction starts again from the seed. */
  demo_init (d, tx, user_data);
  ret = demo_run (d, error);
  demo_clear (d);
  g_free (d);
  return ret;
}

/* Public API */

/**
 * scim_demo_scale_from_string:
 * @text: "small", "medium" or "large"
 * @scale: (out): the scale
 *
 * Returns: %TRUE when @text names a scale
 */
gboolean
scim_demo_scale_from_string (const char    *text,
                             ScimDemoScale *scale)
{
  static const char * const names[] = {
    [SCIM_DEMO_SMALL] = "small",
    [SCIM_DEMO_MEDIUM] = "medium",
    [SCIM_DEMO_LARGE] = "large",
  };

  g_return_val_if_fail (scale != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (text, names[i]) == 0)
        {
          *scale = (ScimDemoScale) i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * scim_demo_get_counts:
 * @scale: the scale
 * @counts: (out caller-allocates): the numbers of rows scim_store_fill_demo()
 *   makes at @scale
 */
void
scim_demo_get_counts (ScimDemoScale   scale,
                      ScimDemoCounts *counts)
{
  g_return_if_fail (counts != NULL);
  g_return_if_fail ((guint) scale < G_N_ELEMENTS (scale_counts));

  *counts = scale_counts[scale];
}

/**
 * scim_store_fill_demo:
 * @store: a writable #ScimStore
 * @scale: how much data to make
 * @seed: the same seed gives the same data
 * @cancellable: (nullable): cancels the fill
 * @progress: (nullable) (scope call): called with the fraction done, on the
 *   calling thread while the store is locked: it must not use the store
 * @progress_data: data for @progress
 * @error: return location for an error
 *
 * Fills a database that has no sales yet with a year of made-up work:
 * users of every role (without passwords; an existing `admin` is reused),
 * audiences, clients with contacts, products with their funnels, leads,
 * sales with their stage history, plans and sales books.  Names and texts
 * are Russian when the interface language is.  It all happens in one
 * transaction, so a cancel or an error leaves the database as it was.
 * Blocks for up to a few minutes at the large scale, and holds the write
 * lock of the file all that time: call it from a worker, on a new file.
 *
 * Returns: %TRUE when the data was written
 */
gboolean
scim_store_fill_demo (ScimStore         *store,
                      ScimDemoScale      scale,
                      guint32            seed,
                      GCancellable      *cancellable,
                      ScimProgressFunc   progress,
                      gpointer           progress_data,
                      GError           **error)
{
  FillParams params = { scale, seed, cancellable, progress, progress_data };
  gint64 cache_size = 0;
  gboolean ret;

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail ((guint) scale < G_N_ELEMENTS (scale_counts), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Cancelled."));
      return FALSE;
    }
  if (!_scim_store_require_writable (store, error))
    return FALSE;

  _scim_store_lock (store);

  /* A bigger page cache for the one big transaction, then back to normal. */
  if (scale != SCIM_DEMO_SMALL)
    {
      cache_size = _scim_store_query_int (store, NULL, "PRAGMA cache_size", "");
      if (cache_size != 0 && cache_size != -1)
        {
          g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%d", FILL_CACHE_KIB);

          sqlite3_exec (_scim_store_get_db (store), sql, NULL, NULL, NULL);
        }
      else
        cache_size = 0;
    }

  ret = scim_store_write (store, fill_cb, &params, error);

  if (cache_size != 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);

      sqlite3_exec (_scim_store_get_db (store), sql, NULL, NULL, NULL);
    }

  _scim_store_unlock (store);

  if (ret && progress != NULL)
    progress (1.0, progress_data);
  return ret;
}

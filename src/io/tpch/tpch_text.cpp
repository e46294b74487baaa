// The TPC-H pseudo-text (clause 4.2.2.10 grammar, 4.2.2.13 word lists and weights), v-strings and the date table.
//
// The word weights are the spec's; they were cross-checked against word frequencies in the official SF 0.01
// sample (nouns "packages/requests/accounts/deposits" ~40x a rare noun, "." ~50x each other terminator, and so
// on), so that LIKE patterns of the queries (Q13 '%special%requests%', Q9 '%green%', ...) hit at the same rates.

#include "io/tpch/tpch_text.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace basalt::tpch {
namespace {

struct WeightedWord {
    std::string_view word;
    int weight;
};

constexpr WeightedWord kNouns[] = {
    {"packages", 40},    {"requests", 40},     {"accounts", 40},   {"deposits", 40},    {"foxes", 20},
    {"ideas", 20},       {"theodolites", 20},  {"pinto beans", 20}, {"instructions", 20}, {"dependencies", 10},
    {"excuses", 10},     {"platelets", 10},    {"asymptotes", 10}, {"courts", 5},       {"dolphins", 5},
    {"multipliers", 1},  {"sauternes", 1},     {"warthogs", 1},    {"frets", 1},        {"dinos", 1},
    {"attainments", 1},  {"somas", 1},         {"Tiresias", 1},    {"patterns", 1},     {"forges", 1},
    {"braids", 1},       {"hockey players", 1}, {"frays", 1},      {"warhorses", 1},    {"dugouts", 1},
    {"notornis", 1},     {"epitaphs", 1},      {"pearls", 1},      {"tithes", 1},       {"waters", 1},
    {"orbits", 1},       {"gifts", 1},         {"sheaves", 1},     {"depths", 1},       {"sentiments", 1},
    {"decoys", 1},       {"realms", 1},        {"pains", 1},       {"grouches", 1},     {"escapades", 1}};

constexpr WeightedWord kVerbs[] = {
    {"sleep", 20},  {"wake", 20},   {"are", 20},     {"cajole", 20},  {"haggle", 20},   {"nag", 10},
    {"use", 10},    {"boost", 10},  {"affix", 5},    {"detect", 5},   {"integrate", 5}, {"maintain", 1},
    {"nod", 1},     {"was", 1},     {"lose", 1},     {"sublate", 1},  {"solve", 1},     {"thrash", 1},
    {"promise", 1}, {"engage", 1},  {"hinder", 1},   {"print", 1},    {"x-ray", 1},     {"breach", 1},
    {"eat", 1},     {"grow", 1},    {"impress", 1},  {"mold", 1},     {"poach", 1},     {"serve", 1},
    {"run", 1},     {"dazzle", 1},  {"snooze", 1},   {"doze", 1},     {"unwind", 1},    {"kindle", 1},
    {"play", 1},    {"hang", 1},    {"believe", 1},  {"doubt", 1}};

constexpr WeightedWord kAdjectives[] = {
    {"special", 20},  {"pending", 20},  {"unusual", 20},  {"express", 20},   {"furious", 1},   {"sly", 1},
    {"careful", 1},   {"blithe", 1},    {"quick", 1},     {"fluffy", 1},     {"slow", 1},      {"quiet", 1},
    {"ruthless", 1},  {"thin", 1},      {"close", 1},     {"dogged", 1},     {"daring", 1},    {"brave", 1},
    {"stealthy", 1},  {"permanent", 1}, {"enticing", 1},  {"idle", 1},       {"busy", 1},      {"regular", 50},
    {"final", 40},    {"ironic", 40},   {"even", 30},     {"bold", 20},      {"silent", 10}};

constexpr WeightedWord kAdverbs[] = {
    {"sometimes", 1},   {"always", 1},      {"never", 1},      {"furiously", 50},  {"slyly", 50},
    {"carefully", 50},  {"blithely", 40},   {"quickly", 30},   {"fluffily", 20},   {"slowly", 1},
    {"quietly", 1},     {"ruthlessly", 1},  {"thinly", 1},     {"closely", 1},     {"doggedly", 1},
    {"daringly", 1},    {"bravely", 1},     {"stealthily", 1}, {"permanently", 1}, {"enticingly", 1},
    {"idly", 1},        {"busily", 1},      {"regularly", 1},  {"finally", 1},     {"ironically", 1},
    {"evenly", 1},      {"boldly", 1},      {"silently", 1}};

constexpr WeightedWord kPrepositions[] = {
    {"about", 50},    {"above", 50},     {"according to", 50}, {"across", 50},    {"after", 50},
    {"against", 40},  {"along", 40},     {"alongside of", 30}, {"among", 30},     {"around", 20},
    {"at", 10},       {"atop", 1},       {"before", 1},        {"behind", 1},     {"beneath", 1},
    {"beside", 1},    {"besides", 1},    {"between", 1},       {"beyond", 1},     {"by", 1},
    {"despite", 1},   {"during", 1},     {"except", 1},        {"for", 1},        {"from", 1},
    {"in place of", 1}, {"inside", 1},   {"instead of", 1},    {"into", 1},       {"near", 1},
    {"of", 1},        {"on", 1},         {"outside", 1},       {"over", 1},       {"past", 1},
    {"since", 1},     {"through", 1},    {"throughout", 1},    {"to", 1},         {"toward", 1},
    {"under", 1},     {"until", 1},      {"up", 1},            {"upon", 1},       {"without", 1},
    {"with", 1},      {"within", 1}};

constexpr WeightedWord kAuxiliaries[] = {
    {"do", 1},           {"may", 1},            {"might", 1},          {"shall", 1},         {"will", 1},
    {"would", 1},        {"can", 1},            {"could", 1},          {"should", 1},        {"ought to", 1},
    {"must", 1},         {"will have to", 1},   {"shall have to", 1},  {"could have to", 1}, {"should have to", 1},
    {"must have to", 1}, {"need to", 1},        {"try to", 1}};

constexpr WeightedWord kTerminators[] = {{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1}};

// Grammar productions, one symbol per part of speech: N noun phrase, V verb phrase, P prepositional phrase,
// T terminator; inside phrases: n noun, j adjective, d adverb, v verb, x auxiliary, ',' a comma after the
// preceding word.
constexpr WeightedWord kSentences[] = {{"NVT", 3}, {"NVPT", 3}, {"NVNT", 3}, {"NPVNT", 1}, {"NPVPT", 1}};
constexpr WeightedWord kNounPhrases[] = {{"n", 10}, {"jn", 20}, {"j,jn", 10}, {"djn", 50}};
constexpr WeightedWord kVerbPhrases[] = {{"v", 30}, {"xv", 1}, {"vd", 40}, {"xvd", 1}};

// A weighted list with a lookup table of one slot per unit of weight: picking is one random draw and one load.
class Distribution {
public:
    template <size_t N>
    explicit Distribution(const WeightedWord (&words)[N]) {
        for (size_t i = 0; i < N; ++i) {
            words_.push_back(words[i].word);
            slots_.insert(slots_.end(), static_cast<size_t>(words[i].weight), static_cast<uint8_t>(i));
        }
    }

    std::string_view pick(TpchRandom& rng) const {
        return words_[slots_[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(slots_.size()) - 1))]];
    }

private:
    std::vector<std::string_view> words_;
    std::vector<uint8_t> slots_;
};

struct Grammar {
    Distribution nouns{kNouns};
    Distribution verbs{kVerbs};
    Distribution adjectives{kAdjectives};
    Distribution adverbs{kAdverbs};
    Distribution prepositions{kPrepositions};
    Distribution auxiliaries{kAuxiliaries};
    Distribution terminators{kTerminators};
    Distribution sentences{kSentences};
    Distribution noun_phrases{kNounPhrases};
    Distribution verb_phrases{kVerbPhrases};
};

// Writes one word preceded by a separating space (except at the very start of the sentence).
char* put_word(char* out, char* sentence_start, std::string_view word) {
    if (out != sentence_start) *out++ = ' ';
    return put_str(out, word);
}

char* put_phrase(char* out, char* start, std::string_view production, const Grammar& g, TpchRandom& rng) {
    for (const char symbol : production) {
        switch (symbol) {
            case 'n': out = put_word(out, start, g.nouns.pick(rng)); break;
            case 'j': out = put_word(out, start, g.adjectives.pick(rng)); break;
            case 'd': out = put_word(out, start, g.adverbs.pick(rng)); break;
            case 'v': out = put_word(out, start, g.verbs.pick(rng)); break;
            case 'x': out = put_word(out, start, g.auxiliaries.pick(rng)); break;
            case ',': *out++ = ','; break;
            default: break;
        }
    }
    return out;
}

// One sentence followed by a space, e.g. "carefully final deposits detect slyly. ". Returns the end.
char* put_sentence(char* out, const Grammar& g, TpchRandom& rng) {
    char* const start = out;
    for (const char symbol : g.sentences.pick(rng)) {
        switch (symbol) {
            case 'N': out = put_phrase(out, start, g.noun_phrases.pick(rng), g, rng); break;
            case 'V': out = put_phrase(out, start, g.verb_phrases.pick(rng), g, rng); break;
            case 'P':
                out = put_word(out, start, g.prepositions.pick(rng));
                out = put_word(out, start, "the");
                out = put_phrase(out, start, g.noun_phrases.pick(rng), g, rng);
                break;
            case 'T': out = put_str(out, g.terminators.pick(rng)); break;
            default: break;
        }
    }
    *out++ = ' ';
    return out;
}

// The pool is built from 1 MiB chunks of whole sentences, each chunk from its own random stream, so chunks can be
// built by any number of threads and the pool is always the same bytes. A chunk is written into a slot with room
// for one extra sentence, then the chunks are packed together: sentences are never cut between chunks (a cut would
// glue two words together), only once at the very end of the pool.
constexpr size_t kChunkSize = size_t{1} << 20;
constexpr size_t kMaxSentence = 1024;  // 5 phrases of at most 4 words of at most 16 chars, with separators
constexpr size_t kChunkSlot = kChunkSize + kMaxSentence;
constexpr size_t kChunkCount = kTextPoolSize / kChunkSize;  // each holds >= kChunkSize: together enough

// Fills dst with sentences until at least kChunkSize bytes; returns the length used (< kChunkSlot).
size_t fill_chunk(char* dst, size_t chunk_index, const Grammar& g) {
    TpchRandom rng(TpchStream::kTextPool, chunk_index);
    char* out = dst;
    while (static_cast<size_t>(out - dst) < kChunkSize) out = put_sentence(out, g, rng);
    return static_cast<size_t>(out - dst);
}

struct TextPool {
    std::unique_ptr<char[]> data;

    TextPool() : data(new char[kChunkCount * kChunkSlot]) {
        const Grammar grammar;
        std::vector<size_t> lengths(kChunkCount);
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t c = next.fetch_add(1); c < kChunkCount; c = next.fetch_add(1)) {
                lengths[c] = fill_chunk(data.get() + c * kChunkSlot, c, grammar);
            }
        };
        const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
        std::vector<std::thread> helpers;
        for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
        work();
        for (auto& helper : helpers) helper.join();
        // Pack the chunks to the front, in order (each moves to an offset at or below its slot, so memmove is safe).
        size_t packed = lengths[0];
        for (size_t c = 1; c < kChunkCount && packed < kTextPoolSize; ++c) {
            const size_t take = std::min(lengths[c], kTextPoolSize - packed);
            std::memmove(data.get() + packed, data.get() + c * kChunkSlot, take);
            packed += take;
        }
    }
};

struct DateTable {
    std::array<char, (kEndDate + 1) * 10> chars{};

    DateTable() {
        static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int year = 1992, month = 1, day = 1;
        for (int d = 0; d <= kEndDate; ++d) {
            char* p = chars.data() + d * 10;
            put_padded(p, static_cast<uint64_t>(year), 4);
            p[4] = '-';
            put_padded(p + 5, static_cast<uint64_t>(month), 2);
            p[7] = '-';
            put_padded(p + 8, static_cast<uint64_t>(day), 2);
            const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            const int month_days = kMonthDays[month - 1] + (month == 2 && leap ? 1 : 0);
            if (++day > month_days) {
                day = 1;
                if (++month > 12) {
                    month = 1;
                    ++year;
                }
            }
        }
    }
};

constexpr char kVstringAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, ";
static_assert(sizeof(kVstringAlphabet) - 1 == 64);

}  // namespace

const char* date_chars(int day) {
    static const DateTable table;
    return table.chars.data() + day * 10;
}

std::string_view text_pool() {
    static const TextPool pool;
    return {pool.data.get(), kTextPoolSize};
}

char* put_vstring(char* out, TpchRandom& rng, int min_len, int max_len) {
    const auto length = static_cast<int>(rng.uniform(min_len, max_len));
    uint64_t bits = 0;
    for (int i = 0; i < length; ++i) {
        if (i % 10 == 0) bits = rng.next();  // ten 6-bit symbols per 64-bit draw
        *out++ = kVstringAlphabet[bits & 63];
        bits >>= 6;
    }
    return out;
}

}  // namespace basalt::tpch

/*
 * check_scans: check a batch of barcode scans through the Bedside C ABI, as an
 * EPR's C integration layer would.
 *
 *   check_scans [FILE]        one scan a line (stdin when no FILE)
 *
 * Each line is read in any GS1 input form (scan data with its AIM identifier
 * such as "]d2…", bracketed "(01)…", "^01…", an element string or a Digital
 * Link URI). For each line it prints the GS1 verdict; for a valid patient
 * wristband (AI 8018 in scan data) it also runs the DCB1077 wristband check
 * and prints the NHS number, name and date of birth, or why the band is
 * refused. The demo policy accepts the 999 test range and the example GSRN
 * prefix 9520000; a trust builds its own with bedside_wristband_policy_new.
 *
 * Exit status: 0 when no line was invalid, 1 otherwise, 2 on a usage or I/O error.
 *
 * Build (from the repository root, after `cargo build -p bedside-ffi --release`):
 *   cc -I bindings/c/include examples/c/check_scans.c target/release/libbedside_ffi.a \
 *      -lpthread -ldl -lm -o check_scans
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bedside.h"

static int print_band(const BedsideWristbandPolicy *policy, const char *scan, size_t len) {
    BedsideWristbandResult *band = NULL;
    BedsideStatus s = bedside_wristband_check(policy, (const uint8_t *)scan, len, NULL, &band);
    if (s != BEDSIDE_STATUS_OK) {
        printf("  wristband: error: %s\n", bedside_status_message(s));
        return 1;
    }
    BedsideWristbandInfo w;
    bedside_wristband_result_info(band, &w);
    int refused = 0;
    if (w.verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED) {
        BedsideBuffer name, dob;
        bedside_wristband_display_name(band, &name);
        bedside_wristband_display_date_of_birth(band, &dob);
        printf("  wristband: accepted: NHS number %s, %s, born %s\n", (const char *)w.nhs_number_display,
               (const char *)name.data, (const char *)dob.data);
        bedside_buffer_free(&name);
        bedside_buffer_free(&dob);
    } else {
        printf("  wristband: refused: %.*s\n", (int)w.error_message.len, (const char *)w.error_message.ptr);
        refused = 1;
    }
    bedside_wristband_result_free(band);
    return refused;
}

static int check_line(const BedsideWristbandPolicy *policy, size_t number, const char *line, size_t len) {
    BedsideGs1Result *result = NULL;
    BedsideStatus s = bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, (const uint8_t *)line, len, NULL, &result);
    if (s != BEDSIDE_STATUS_OK) {
        /* Not UTF-8, for example: the call itself failed. */
        printf("line %zu: invalid input: %s\n", number, bedside_status_message(s));
        return 1;
    }
    BedsideGs1Info info;
    bedside_gs1_result_info(result, &info);
    int invalid = 0;
    if (info.verdict == BEDSIDE_VERDICT_INVALID) {
        printf("line %zu: invalid %s at byte %zu: %.*s\n", number, bedside_error_class_name((int32_t)info.error_class),
               info.error_offset, (int)info.error_message.len, (const char *)info.error_message.ptr);
        printf("  %.*s\n", (int)info.error_markup.len, (const char *)info.error_markup.ptr);
        invalid = 1;
    } else if (info.verdict == BEDSIDE_VERDICT_NON_GS1) {
        printf("line %zu: not GS1\n", number);
    } else {
        BedsideBuffer text;
        bedside_gs1_to_bracketed(result, &text);
        printf("line %zu: valid %zu elements %s\n", number, info.element_count, (const char *)text.data);
        bedside_buffer_free(&text);
        int is_band = 0;
        for (size_t i = 0; i < info.element_count; i++) {
            BedsideGs1Element e;
            if (bedside_gs1_result_element(result, i, &e) == BEDSIDE_STATUS_OK && e.ai.len == 4 &&
                memcmp(e.ai.ptr, "8018", 4) == 0) {
                is_band = 1;
            }
        }
        if (is_band && info.symbology != BEDSIDE_GS1_SYMBOLOGY_NONE) {
            invalid |= print_band(policy, line, len);
        }
    }
    bedside_gs1_result_free(result);
    return invalid;
}

int main(int argc, char **argv) {
    if (argc > 2) {
        fprintf(stderr, "usage: %s [FILE]\n", argv[0]);
        return 2;
    }
    FILE *in = argc == 2 ? fopen(argv[1], "rb") : stdin;
    if (in == NULL) {
        perror(argv[1]);
        return 2;
    }
    printf("bedside %s\n", bedside_version());
    BedsideWristbandPolicy *policy = NULL;
    if (bedside_wristband_policy_demo(&policy) != BEDSIDE_STATUS_OK) {
        return 2;
    }
    size_t cap = 256, len = 0, number = 0;
    char *line = malloc(cap);
    int any_invalid = 0, c;
    if (line == NULL) {
        return 2;
    }
    do {
        c = fgetc(in);
        if (c == '\n' || c == EOF) {
            if (len > 0 && line[len - 1] == '\r') len--;
            if (len > 0 || c == '\n') number++;
            if (len > 0) any_invalid |= check_line(policy, number, line, len);
            len = 0;
        } else {
            if (len + 1 >= cap) {
                char *bigger = realloc(line, cap * 2);
                if (bigger == NULL) {
                    free(line);
                    return 2;
                }
                line = bigger;
                cap *= 2;
            }
            line[len++] = (char)c;
        }
    } while (c != EOF);
    int read_error = ferror(in);
    free(line);
    bedside_wristband_policy_free(policy);
    if (in != stdin) fclose(in);
    if (read_error) return 2;
    return any_invalid ? 1 : 0;
}

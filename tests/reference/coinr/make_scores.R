# SPDX-License-Identifier: MIT
# Regenerates tests/reference/data/asem/coinr_parity_scores.csv (and the two
# derived data files beside it) with COINr 1.1.14 on its ASEM example:
# log_CT_plus on positively and negatively skewed indicators, Copeland with
# exact ties, and Copeland with missing children (COINr's order-dependent
# answer in two row orders, and libpingan's definition computed pair by pair
# with COINr's own a_copeland). COINr is not vendored: install it from its
# source into a scratch library, e.g.
#   git archive v1.1.14 | tar -x -C /tmp/coinr-src   (github.com/bluefoxr/COINr, tag
#     v1.1.14 = commit 338b21ce72791cf75e17a900008952783762eb5c)
#   R CMD INSTALL -l /tmp/rlib /tmp/coinr-src
# then, from the repository's top folder:
#   R_LIBS=/tmp/rlib Rscript tests/reference/coinr/make_scores.R
suppressPackageStartupMessages(library(COINr))
stopifnot(as.character(packageVersion("COINr")) == "1.1.14")

out_dir <- "tests/reference/data/asem"
idata <- read.csv(file.path(out_dir, "iData.csv"), check.names = FALSE)
imeta <- as.data.frame(ASEM_iMeta)
icodes <- imeta$iCode[imeta$Type == "Indicator"]

# The committed iData.csv is COINr's ASEM_iData (without its Time column, to
# 15 digits) and iMeta.csv its ASEM_iMeta: check. COINr is given the values
# as the tests read them.
asem <- as.data.frame(ASEM_iData)[names(idata)]
stopifnot(isTRUE(all.equal(idata, asem, check.attributes = FALSE, tolerance = 1e-14)))
meta_csv <- read.csv(file.path(out_dir, "iMeta.csv"))
for (col in c("Level", "iCode", "Direction", "Weight", "Type"))
  stopifnot(identical(as.character(meta_csv[[col]]), as.character(imeta[[col]])))

# Derived data: every indicator negated (all skews change sign), and the rows
# of iData.csv in reverse order (Copeland must not depend on it).
neg <- idata
neg[icodes] <- -neg[icodes]
write.csv(neg, file.path(out_dir, "iData_neg.csv"), row.names = FALSE, na = "")
write.csv(idata[rev(seq_len(nrow(idata))), ], file.path(out_dir, "iData_rev.csv"),
          row.names = FALSE, na = "")

minmax <- list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100)))
coin_of <- function(d) suppressMessages(new_coin(d, imeta, quietly = TRUE))

# Treat with COINr's defaults but winmax points and log_CT_plus as f2.
treat_plus <- function(d, winmax) {
  sk <- list(na.rm = TRUE, skew_thresh = 2, kurt_thresh = 3.5)
  spec <- list(f1 = "winsorise", f1_para = c(list(winmax = winmax), sk),
               f_pass = "check_SkewKurt", f_pass_para = sk,
               f2 = "log_CT_plus", f2_para = list(na.rm = TRUE))
  coin <- Treat(coin_of(d), dset = "Raw", global_specs = spec)
  coin <- Normalise(coin, dset = "Treated", global_specs = minmax)
  Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
}

# COINr 1.1.14's Aggregate calls f_ag(x = ...), which a_copeland(X, w) does
# not take: pass the data positionally.
cop <- function(x, w) a_copeland(x, w)

# a_copeland given the rows in reverse order (COINr's lower triangle is
# 1 - upper, so with missing children the answer depends on the order).
cop_rev <- function(x, w) {
  o <- rev(seq_len(nrow(x)))
  a_copeland(x[o, , drop = FALSE], w)[order(o)]
}

# libpingan's definition: each pair compared over the children both have,
# which is COINr's a_copeland on that pair and those columns (no pair then
# has a missing child, so its answer does not depend on any order).
cop_pairwise <- function(x, w) {
  x <- as.matrix(x)
  s <- numeric(nrow(x))
  for (i in seq_len(nrow(x) - 1)) for (j in (i + 1):nrow(x)) {
    both <- !is.na(x[i, ]) & !is.na(x[j, ])
    if (!any(both)) next
    p <- a_copeland(x[c(i, j), both, drop = FALSE], w[both])
    s[c(i, j)] <- s[c(i, j)] + p
  }
  s[apply(is.na(x), 1, all)] <- NA
  s
}

copeland <- function(coin, dset, f) {
  coin <- Normalise(coin, dset = dset, global_specs = minmax)
  Aggregate(coin, dset = "Normalised", f_ag = f, by_df = TRUE)
}

# Sanity: this installation reproduces the committed pipeline minmax_arith.
old <- read.csv(file.path(out_dir, "coinr_scores.csv"))
old <- old[old$pipeline == "minmax_arith", ]
d <- get_dset(Aggregate(Normalise(coin_of(idata), dset = "Raw", global_specs = minmax),
                        dset = "Normalised", f_ag = "a_amean"), "Aggregated")
now <- mapply(function(u, n) d[[n]][d$uCode == u], old$unit, old$node)
stopifnot(nrow(old) == 3060, isTRUE(all.equal(now, old$score, check.attributes = FALSE,
                                              tolerance = 1e-12)))

pipelines <- list(
  treat_plus0_minmax_arith = treat_plus(idata, 0),
  treat_plus1_minmax_arith = treat_plus(idata, 1),
  treat_plus1_neg_minmax_arith = treat_plus(neg, 1),
  copeland_imputed = copeland(Impute(coin_of(idata), dset = "Raw"), "Imputed", "cop"),
  copeland_missing = copeland(coin_of(idata), "Raw", "cop_pairwise"),
  copeland_missing_coinr = copeland(coin_of(idata), "Raw", "cop"),
  copeland_missing_coinr_rev = copeland(coin_of(idata), "Raw", "cop_rev"))

nodes <- imeta$iCode[imeta$Type %in% c("Indicator", "Aggregate")]
long <- do.call(rbind, lapply(names(pipelines), function(p) {
  d <- get_dset(pipelines[[p]], "Aggregated")
  do.call(rbind, lapply(nodes, function(n)
    data.frame(pipeline = p, unit = d$uCode, node = n, score = d[[n]])))
}))
stopifnot(nrow(long) == length(pipelines) * 51 * 60)

# Scores to 17 significant digits, so that they read back exactly.
path <- file.path(out_dir, "coinr_parity_scores.csv")
con <- file(path, "w")
writeLines(c("# COINr 1.1.14 (tag v1.1.14, 338b21ce) on its ASEM example; generated by",
             "# R_LIBS=/tmp/rlib Rscript tests/reference/coinr/make_scores.R"), con)
long$score <- ifelse(is.na(long$score), "", sprintf("%.17g", long$score))
write.csv(long, con, row.names = FALSE)
close(con)

# What the tests rely on, checked here too.
sc <- function(p) long$score[long$pipeline == p]
cat("COINr's two row orders differ in", sum(sc("copeland_missing_coinr") !=
    sc("copeland_missing_coinr_rev")), "scores\n")
cat("libpingan's definition differs from COINr's in", sum(sc("copeland_missing") !=
    sc("copeland_missing_coinr")), "scores\n")

# SPDX-License-Identifier: MIT
# COINr's own Monte Carlo on its ASEM example, the set-up of bench/asem_unc.ini: weight
# noise 0.25 at levels 2 and 3, minmax(1, 100) / zscore(10, 2) / rank, arithmetic / geometric.
#   Rscript bench/coinr_unc.R N
suppressMessages(library(COINr))
n <- as.integer(commandArgs(TRUE)[1])
coin <- build_example_coin(up_to = "new_coin", quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
w_nom <- coin$Meta$Weights$Original
noisy <- get_noisy_weights(w = w_nom, noise_specs = data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25)), Nrep = n)
norm_alts <- list(list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))),
                  list(f_n = "n_zscore", f_n_para = list(m_sd = c(10, 2))),
                  list(f_n = "n_rank"))
specs <- list(Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
              Normalisation = list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts, Type = "discrete"),
              Aggregation = list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"), Type = "discrete"))
t <- system.time(res <- get_sensitivity(coin, SA_specs = specs, N = n, SA_type = "UA", dset = "Aggregated", iCode = "Index", quietly = TRUE, check_addresses = FALSE))
cat(sprintf("COINr %s: %d runs in %.2f s, %.1f ms/run\n", packageVersion("COINr"), n, t[["elapsed"]], 1000 * t[["elapsed"]] / n))

SET search_path TO attacker, public

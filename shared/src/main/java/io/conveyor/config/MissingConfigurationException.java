package io.conveyor.config;

/**
 * A variable a function cannot work without is unset: thrown at init, naming the variable.
 */
public final class MissingConfigurationException extends IllegalStateException {

    private final String variable;

    public MissingConfigurationException(String variable) {
        this(variable, "the template (or --env-vars) must provide it");
    }

    /**
     * @param hint where the variable should come from
     */
    public MissingConfigurationException(String variable, String hint) {
        super("environment variable " + variable + " is not set; " + hint);
        this.variable = variable;
    }

    /**
     * The name of the missing variable.
     */
    public String variable() {
        return variable;
    }
}
